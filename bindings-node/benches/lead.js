'use strict'
// Lead validation throughput through the Node binding: leads per second for
// object input (validate), JSON input (validateJson) and JSON Lines
// (validateJsonl). Not a test; run it by hand after a release build
// (`npm run build`):
//
//   node benches/lead.js

const { LeadSchema } = require('..')

const LEADS = Array.from({ length: 1000 }, (_, i) => ({
  first_name: `Ada${i}`,
  last_name: 'Lovelace',
  email: `ada${i}@example.com`,
  phone: '+44 20 7946 0000',
  company: 'Analytical Engines',
  title: 'Engineer',
}))

function rate(label, count, run) {
  run() // warm up
  let best = Infinity
  for (let i = 0; i < 5; i++) {
    const start = process.hrtime.bigint()
    run()
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9)
  }
  console.log(`${label.padEnd(30)} ${Math.round(count / best).toLocaleString('en').padStart(12)} leads/s`)
}

const schema = new LeadSchema()
const texts = LEADS.map((lead) => JSON.stringify(lead))
const buffers = texts.map((text) => Buffer.from(text))
const jsonl = texts.join('\n')

rate('object (validate)', LEADS.length, () => LEADS.map((lead) => schema.validate(lead)))
rate('JSON string (validateJson)', texts.length, () => texts.map((text) => schema.validateJson(text)))
rate('JSON Buffer (validateJson)', buffers.length, () => buffers.map((buf) => schema.validateJson(buf)))
rate('JSON Lines (validateJsonl)', texts.length, () => schema.validateJsonl(jsonl))
