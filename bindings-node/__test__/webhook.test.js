'use strict'
// Webhook verification through the Node binding, driven by the shared
// vectors in tests/vectors/webhooks/ (see its README.md for the format).

const test = require('node:test')
const assert = require('node:assert/strict')

const { Config, WebhookSigner, WebhookVerifier } = require('..')
const vectors = require('./vectors')

const ALL = vectors.cases('webhooks')
const VERIFY = ALL.filter(([id]) => id.startsWith('webhooks/verify/'))
const SIGN = ALL.filter(([id]) => id.startsWith('webhooks/sign/'))

// The Standard Webhooks specification's published example.
const SW_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const SW_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek'
const SW_TIMESTAMP = 1614265330
const SW_BODY = Buffer.from('{"test": 2432232314}')
const SW_SIGNATURE = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
const SW_HEADERS = { 'webhook-id': SW_ID, 'webhook-timestamp': String(SW_TIMESTAMP), 'webhook-signature': SW_SIGNATURE }

const bodyOf = (step) =>
  step.body_base64 !== undefined ? Buffer.from(step.body_base64, 'base64') : Buffer.from(step.body, 'utf8')

const outcome = (v) => ({ ok: true, provider: v.provider, scheme: v.scheme, id: v.id, timestamp: v.timestamp })

const specVerifier = () =>
  new WebhookVerifier({ default: { signature: { scheme: 'standard_webhooks', secrets: [SW_SECRET] } } })

test('vectors are present', () => {
  assert.ok(vectors.files('webhooks').length >= 7)
  assert.ok(VERIFY.length >= 80 && SIGN.length >= 6)
})

for (const [id, c] of VERIFY) {
  test(`webhook vector ${id}`, () => {
    const verifier = WebhookVerifier.fromConfig(Config.fromJson(JSON.stringify(c.config)), c.env)
    let lastOk = null
    c.steps.forEach((step, i) => {
      if (step.release_before) verifier.release(lastOk)
      const mode = step.mode ?? 'verify'
      const method = { verify: 'verify', verify_ignoring_timestamp: 'verifyIgnoringTimestamp' }[mode]
      const options = { remoteAddr: step.remote_addr, provider: step.provider ?? undefined, now: step.now }
      let verified
      try {
        verified = verifier[method](bodyOf(step), step.headers, options)
      } catch (err) {
        assert.ok(err instanceof Error)
        assert.deepEqual({ ok: false, code: err.code }, step.expect, `step ${i}: ${err.message}`)
        return
      }
      assert.deepEqual(outcome(verified), step.expect, `step ${i}`)
      if (step.release) verifier.release(verified)
      lastOk = verified
    })
  })
}

for (const [id, c] of SIGN) {
  test(`webhook vector ${id}`, () => {
    const signer = WebhookSigner.fromConfig(Config.fromJson(JSON.stringify(c.config)), c.provider, c.env)
    const headers = signer.sign(bodyOf(c), c.id, c.timestamp)
    const norm = (list) => list.map(([n, v]) => [n.toLowerCase(), v]).sort((a, b) => (a.join('\n') < b.join('\n') ? -1 : 1))
    assert.deepEqual(norm(headers), norm(c.expect.headers))
  })
}

test('an Express-like header object with mixed case and a Buffer body', () => {
  const verifier = specVerifier()
  const headers = {
    'Webhook-Id': SW_ID,
    'WEBHOOK-TIMESTAMP': String(SW_TIMESTAMP),
    'webhook-Signature': SW_SIGNATURE,
    'content-type': 'application/json',
    'set-cookie': ['a=1', 'b=2'],
  }
  const verified = verifier.verify(SW_BODY, headers, { now: SW_TIMESTAMP + 60 })
  assert.deepEqual(outcome(verified), {
    ok: true,
    provider: null,
    scheme: 'standard_webhooks',
    id: SW_ID,
    timestamp: SW_TIMESTAMP,
  })
  assert.deepEqual(JSON.parse(JSON.stringify(verified)), {
    provider: null,
    scheme: 'standard_webhooks',
    id: SW_ID,
    timestamp: SW_TIMESTAMP,
  })
  assert.throws(() => verifier.verify(SW_BODY, headers, { now: SW_TIMESTAMP + 60 }), { code: 'webhook.replayed' })
  verifier.release(verified)
  assert.equal(verifier.verify(SW_BODY, headers, { now: SW_TIMESTAMP + 61 }).id, SW_ID)
})

test('a Uint8Array body and headers as pairs', () => {
  const body = new Uint8Array(SW_BODY)
  const verified = specVerifier().verify(body, Object.entries(SW_HEADERS), { now: SW_TIMESTAMP })
  assert.equal(verified.scheme, 'standard_webhooks')
})

test('a flipped body byte is a signature mismatch without the signature in the message', () => {
  const tampered = Buffer.from(SW_BODY)
  tampered[3] ^= 0x01
  assert.throws(
    () => specVerifier().verify(tampered, SW_HEADERS, { now: SW_TIMESTAMP }),
    (err) => err.code === 'webhook.signature_mismatch' && !err.message.includes('g0hM9'),
  )
})

test('timestamp tolerance and the ignoring method', () => {
  const verifier = specVerifier()
  assert.throws(() => verifier.verify(SW_BODY, SW_HEADERS), { code: 'webhook.timestamp_out_of_tolerance' })
  assert.equal(verifier.verifyIgnoringTimestamp(SW_BODY, SW_HEADERS).timestamp, SW_TIMESTAMP)
})

test('sign then verify for every signature scheme', () => {
  const body = Buffer.from([0x00, 0xff, 0x80, 0x41])
  for (const [scheme, secret] of [
    ['generic', 's3cr3t'],
    ['stripe', 'whsec_stripe_style'],
    ['github', 'github secret'],
    ['standard_webhooks', SW_SECRET],
  ]) {
    const signature = { scheme, secrets: [secret] }
    const headers = WebhookSigner.fromSignature(signature).sign(body, 'msg_1', 1767225600)
    const verifier = new WebhookVerifier({ providers: { p: { signature } } })
    const verified = verifier.verify(body, headers, { provider: 'p', now: 1767225600 })
    assert.deepEqual([verified.provider, verified.scheme], ['p', scheme])
  }
})

test('Basic, API keys, networks and user agent', () => {
  const verifier = new WebhookVerifier({
    default: {
      apiKeys: ['k3y-one', 'k3y-two'],
      basic: { username: 'halo', password: 'correct horse' },
      allowNetworks: ['192.0.2.0/24', '2001:db8::/32'],
      expectedUserAgent: 'HaloPSA',
    },
  })
  const ua = [['User-Agent', 'HaloPSA']]
  const basic = WebhookSigner.basic('halo', 'correct horse').sign(Buffer.from('{}'))
  assert.equal(verifier.verify(Buffer.from('{}'), [...basic, ...ua], { remoteAddr: '192.0.2.7' }).scheme, 'basic')
  const key = WebhookSigner.apiKey('X-API-Key', 'k3y-two').sign(Buffer.from('{}'))
  assert.equal(verifier.verify(Buffer.from('{}'), [...key, ...ua], { remoteAddr: '2001:db8::1' }).scheme, 'api_key')

  for (const remoteAddr of ['198.51.100.1', undefined, 'not an address']) {
    assert.throws(() => verifier.verify(Buffer.from('{}'), [...key, ...ua], { remoteAddr }), {
      code: 'webhook.ip_not_allowed',
    })
  }
  assert.throws(() => verifier.verify(Buffer.from('{}'), [...key, ['User-Agent', 'curl']], { remoteAddr: '192.0.2.7' }), {
    code: 'webhook.user_agent_rejected',
  })
  assert.throws(() => verifier.verify(Buffer.from('{}'), [['X-API-Key', 'wrong'], ...ua], { remoteAddr: '192.0.2.7' }), {
    code: 'webhook.credentials_rejected',
  })
})

test('unknown providers, bad settings and missing secrets have codes', () => {
  assert.throws(() => specVerifier().verify(SW_BODY, {}, { provider: 'nobody' }), { code: 'webhook.unknown_provider' })
  assert.throws(() => new WebhookVerifier({ default: { signature: { scheme: 'sha1', secrets: ['x'] } } }), {
    code: 'webhook.invalid_setting',
  })
  assert.throws(() => new WebhookVerifier({ default: { allowNetworks: ['nowhere'] } }), { code: 'webhook.invalid_setting' })
  assert.throws(() => specVerifier().verify(SW_BODY, [['only-a-name']]), /pair/)
  const config = Config.fromJson(
    JSON.stringify({
      security: {
        webhooks: {
          authentication: {
            methods: ['signature'],
            signature: { scheme: 'generic', secret: { env: 'HALO_TEST_ABSENT' } },
          },
        },
      },
    }),
  )
  assert.throws(() => WebhookVerifier.fromConfig(config, {}), { code: 'webhook.secret_unavailable' })
})
