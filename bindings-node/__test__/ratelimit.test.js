'use strict'
// The rate limiter through the Node binding, driven by the shared vectors in
// tests/vectors/ratelimit/.

const test = require('node:test')
const assert = require('node:assert/strict')

const { Config, ManualClock, RateLimiter, Rule, clientIp } = require('..')
const vectors = require('./vectors')

const START = 1_700_000_000_000
const CASES = vectors.cases('ratelimit')
const GCRA = CASES.filter(([id]) => !id.includes('client_ip.json'))
const CLIENT_IP = CASES.filter(([id]) => id.includes('client_ip.json'))

test('vectors are present', () => {
  assert.ok(GCRA.length >= 10 && CLIENT_IP.length >= 10)
})

for (const [id, c] of GCRA) {
  test(`ratelimit vector ${id}`, () => {
    const config = Config.fromJson(JSON.stringify(c.config ?? {}))
    const clock = new ManualClock(START)
    if (c.build_error) {
      assert.throws(() => RateLimiter.fromConfig(config, {}, clock), (err) => err.code === c.build_error)
      return
    }
    const limiter = RateLimiter.fromConfig(config, {}, clock)
    c.steps.forEach((step, i) => {
      clock.set(START + step.at_ms)
      const key = step.key_repeat ? 'k'.repeat(step.key_repeat) : (step.key ?? 'client')
      const client = { ip: step.ip, userAgent: step.user_agent }
      for (let n = 0; n < (step.repeat ?? 1); n++) {
        if (step.error) {
          assert.throws(() => limiter.check(c.rule, key, client), (err) => err.code === step.error)
          continue
        }
        const d = limiter.check(c.rule, key, client)
        assert.equal(d.kind, step.decision, `step ${i}`)
        if ('remaining' in step) assert.equal(d.remaining, step.remaining, `step ${i}`)
        if ('reset_ms' in step) assert.equal(d.resetMs, step.reset_ms, `step ${i}`)
        if ('retry_after_ms' in step) assert.equal(d.retryAfterMs, step.retry_after_ms, `step ${i}`)
        if ('headers' in step) assert.deepEqual({ ...d.headers }, step.headers, `step ${i}`)
      }
    })
  })
}

for (const [id, c] of CLIENT_IP) {
  test(`client ip vector ${id}`, () => {
    assert.equal(clientIp(c.remote, c.headers, c.trusted, c.header), c.expect)
  })
}

test('rules in code, blocks and exemptions', () => {
  const clock = new ManualClock(START)
  const rule = Rule.perMinute(100).withBurst(2).withBlock(15 * 60 * 1000)
  const limiter = new RateLimiter({ api: rule }, { exemptNetworks: ['10.0.0.0/8'] }, clock)
  assert.deepEqual(limiter.ruleNames, ['api'])
  assert.ok(limiter.check('api', 'k').allowed)
  assert.ok(limiter.check('api', 'k').allowed)
  const blocked = limiter.check('api', 'k')
  assert.equal(blocked.kind, 'blocked')
  assert.equal(blocked.retryAfterMs, 900_000)
  assert.equal(blocked.untilMs, START + 900_000)
  assert.equal(limiter.check('api', 'k', { ip: '10.1.1.1' }).kind, 'exempt')
  assert.ok(limiter.isExempt({ ip: '10.2.2.2' }))
})

test('bad input throws coded errors', () => {
  assert.throws(() => new RateLimiter({ a: Rule.perMinute(0) }), (err) => err.code === 'ratelimit.invalid_rule')
  assert.throws(
    () => new RateLimiter({ a: Rule.perMinute(1) }, { failureMode: 'sideways' }),
    (err) => err.code === 'invalid_argument',
  )
  assert.throws(() => clientIp('10.0.0.1', [], ['10.0.0.0/8'], 'x-real-ip'), (err) => err.code === 'invalid_argument')
  const limiter = new RateLimiter({ a: Rule.perMinute(1) })
  assert.throws(() => limiter.check('b', 'k'), (err) => err.code === 'ratelimit.unknown_rule')
  assert.throws(() => limiter.check('a', 'k', { ip: 'nope' }), (err) => err.code === 'invalid_argument')
})

test('rule properties', () => {
  const rule = Rule.perMinute(10).withBurst(5)
  assert.equal(rule.emissionIntervalMs, 6000)
  assert.equal(rule.burst, 5)
})
