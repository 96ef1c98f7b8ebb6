'use strict'
// Lead validation and source mapping through the Node binding, driven by
// every file in tests/vectors/leads/ (leads, Apollo, ZoomInfo, CSV).

const test = require('node:test')
const assert = require('node:assert/strict')

const { CsvMapping, Lead, LeadSchema } = require('..')
const vectors = require('./vectors')

const ALL = vectors.cases('leads')
const LEADS = ALL.filter(([id]) => !id.startsWith('leads/sources/'))
const of = (file) => ALL.filter(([id]) => id.split('#')[0].endsWith(file))

const ADA = { first_name: '  Ada ', last_name: 'Lovelace', email: 'Ada@Example.COM', company: 'Analytical   Engines' }

const schemaOf = (options) =>
  options
    ? new LeadSchema({
        lengths: options.lengths,
        unknownFields: options.unknown_fields,
        maxJsonBytes: options.max_json_bytes,
      })
    : new LeadSchema()

const inputOf = (c) => {
  if (c.text !== undefined) return c.text
  if (c.hex !== undefined) return Buffer.from(c.hex, 'hex')
  return Buffer.from(JSON.stringify(c.lead))
}

/** The one outcome of `validateMany`, thrown as `validate` throws it. */
const unwrap = (outcomes) => {
  assert.equal(outcomes.length, 1)
  const [{ lead, error }] = outcomes
  if (error) throw Object.assign(new Error(error.message), error)
  return lead
}

const codes = (err) => err.violations.map(({ field, code }) => ({ field, code }))

test('vectors are present', () => {
  assert.ok(vectors.files('leads').length >= 5)
  assert.ok(LEADS.length >= 60 && of('csv.json').length >= 8)
  assert.ok(of('apollo.json').length + of('zoominfo.json').length >= 15)
})

for (const [id, c] of LEADS) {
  test(`lead vector ${id}`, () => {
    const schema = schemaOf(c.schema)
    const paths = [() => schema.validateJson(inputOf(c))]
    if (c.lead !== undefined && c.expect.error !== 'lead.too_large') {
      paths.push(() => schema.validate(c.lead))
      paths.push(() => unwrap(schema.validateMany([c.lead])))
    }
    for (const run of paths) {
      if (c.expect.ok) {
        const lead = run()
        assert.deepEqual(lead, c.expect.lead)
        if (c.expect.dedupe_key) assert.equal(schema.dedupeKey(lead), c.expect.dedupe_key)
        assert.deepEqual(schema.validate(lead), lead)
      } else {
        assert.throws(run, (err) => {
          assert.ok(err instanceof Error)
          assert.equal(err.code, c.expect.error)
          assert.deepEqual(codes(err), c.expect.violations ?? [])
          const shown = `${err.message} ${JSON.stringify(err.violations)}`
          for (const value of Object.values(c.lead ?? {})) {
            if (typeof value === 'string' && value.trim().length > 3) assert.ok(!shown.includes(value.trim()))
          }
          return true
        })
      }
    }
  })
}

function checkMapped(map, record, expect) {
  if (expect.error) {
    assert.throws(() => map(record), { code: expect.error, field: expect.field })
    return
  }
  const lead = map(record)
  assert.deepEqual(lead, expect.lead)
  if (expect.valid !== undefined) {
    let ok = true
    try {
      new LeadSchema().validate(lead)
    } catch {
      ok = false
    }
    assert.equal(ok, expect.valid)
  }
}

for (const [id, c] of of('apollo.json')) {
  test(`source vector ${id}`, () => checkMapped(Lead.fromApollo, c.record, c.expect))
}

for (const [id, c] of of('zoominfo.json')) {
  test(`source vector ${id}`, () => checkMapped(Lead.fromZoominfo, c.record, c.expect))
}

for (const [id, c] of of('csv.json')) {
  test(`csv vector ${id}`, () => {
    const mapping = new CsvMapping(c.mapping, c.keep_other_columns, c.delimiter)
    if (c.expect.error) {
      assert.throws(() => mapping.read(c.csv), { code: c.expect.error, field: c.expect.field })
      return
    }
    const rows = mapping.read(Buffer.from(c.csv))
    assert.equal(rows.length, c.expect.rows.length)
    rows.forEach((row, i) => {
      const want = c.expect.rows[i]
      assert.equal(row.line, want.line)
      if (want.error) {
        assert.equal(row.lead, undefined)
        assert.equal(row.error.code, want.error)
        assert.equal(row.error.field, want.field)
      } else {
        assert.equal(row.error, undefined)
        assert.deepEqual(row.lead, want.lead)
      }
    })
  })
}

test('validate returns a plain normalised object', () => {
  const schema = new LeadSchema()
  const lead = schema.validate(ADA)
  assert.deepEqual(lead, { first_name: 'Ada', last_name: 'Lovelace', email: 'Ada@example.com', company: 'Analytical Engines' })
  assert.equal(Object.getPrototypeOf(lead), Object.prototype)
  assert.equal(schema.dedupeKey(ADA), 'ada@example.com')
})

test('validateMany gives each lead the outcome of validate, in order', () => {
  const schema = new LeadSchema()
  const leads = [ADA, { email: 'not-an-email', phone: 42 }, 'not an object', { ...ADA, utm: 1 }, ADA]
  const expected = leads.map((lead) => {
    try {
      return { lead: schema.validate(lead) }
    } catch (err) {
      return { error: { code: err.code, message: err.message, violations: err.violations } }
    }
  })
  assert.deepEqual(schema.validateMany(leads), expected)
  assert.deepEqual(schema.validateMany([]), [])
  assert.throws(() => schema.validateMany(ADA), /array/)
})

test('errors carry every violation as data', () => {
  assert.throws(
    () => new LeadSchema().validate({ email: 'not-an-email', phone: 42, utm: 'x' }),
    (err) => {
      assert.ok(err instanceof Error)
      assert.equal(err.code, 'lead.invalid')
      assert.deepEqual(codes(err), [
        { field: 'first_name', code: 'lead.required' },
        { field: 'last_name', code: 'lead.required' },
        { field: 'email', code: 'lead.email_invalid' },
        { field: 'phone', code: 'lead.wrong_type' },
        { field: 'company', code: 'lead.required' },
        { field: 'utm', code: 'lead.unknown_field' },
      ])
      assert.equal(typeof err.violations[0].message, 'string')
      assert.ok(!err.message.includes('not-an-email'))
      return true
    },
  )
})

test('unknown-field policies, limits and the phone policy', () => {
  const extra = { ...ADA, utm_campaign: 'spring', score: [1, 2.5, null, true] }
  assert.equal(new LeadSchema({ unknownFields: 'strip' }).validate(extra).utm_campaign, undefined)
  assert.deepEqual(new LeadSchema({ unknownFields: 'keep' }).validate(extra).score, [1, 2.5, null, true])
  assert.throws(() => new LeadSchema({ unknownFields: 'maybe' }), { code: 'lead.schema_invalid' })
  assert.throws(() => new LeadSchema({ lengths: { email: [1, 10] } }), { code: 'lead.schema_invalid' })
  assert.throws(() => new LeadSchema({ lengths: { first_name: [2, 3] } }).validate({ ...ADA, first_name: 'Adaline' }), {
    code: 'lead.invalid',
    violations: [{ field: 'first_name', code: 'lead.too_long', message: 'must be at most 3 characters' }],
  })
  const e164 = new LeadSchema({ phonePolicy: 'e164', phoneRegion: 'GB' })
  assert.equal(e164.validate({ ...ADA, phone: '020 7946 0000' }).phone, '+442079460000')
  assert.throws(() => new LeadSchema({ phonePolicy: 'e164' }), { code: 'lead.schema_invalid' })
})

test('JSON text, Buffers and JSON Lines', () => {
  const schema = new LeadSchema()
  const text = JSON.stringify(ADA)
  assert.deepEqual(schema.validateJson(text), schema.validateJson(Buffer.from(text)))
  assert.throws(() => schema.validateJson('[1]'), { code: 'lead.not_object', violations: [] })
  const outcomes = schema.validateJsonl(`${text}\nnot json\n\n{"first_name": "A"}\n`)
  assert.deepEqual(
    outcomes.map((o) => [o.line, o.error?.code ?? 'ok']),
    [
      [1, 'ok'],
      [2, 'lead.syntax'],
      [4, 'lead.invalid'],
    ],
  )
  assert.equal(outcomes[0].dedupeKey, 'ada@example.com')
  assert.equal(outcomes[2].error.violations[0].code, 'lead.required')
})

test('sources feed the schema', () => {
  const person = { id: '5f1', first_name: 'Tim', last_name: 'Zheng', email: 'tim@apollo.example', organization: { name: 'Apollo' } }
  const lead = new LeadSchema().validate(Lead.fromApollo(person))
  assert.deepEqual([lead.source, lead.source_id, lead.company], ['apollo', '5f1', 'Apollo'])
  assert.throws(() => Lead.fromZoominfo({ firstName: 'Ada' }), { code: 'lead.source_field_missing', field: 'lastName' })
  assert.throws(() => new CsvMapping(undefined, false, ';;'), { code: 'lead.schema_invalid' })
})
