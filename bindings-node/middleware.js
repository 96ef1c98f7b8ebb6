'use strict'
// Framework and logger glue for halo-core (`require('halo-core/middleware')`).
//
// Webhook verification for Express and Fastify on the raw body bytes, and
// log masking for winston and pino. Nothing here decides anything: checks,
// masking and the HTTP status of a refusal (`err.status`) come from the
// core through the native binding. No framework is a dependency: each
// helper works with what the application passes in.
//
// Limits: the client address is `req.socket.remoteAddress` unless
// `remoteAddr` is given, so behind a proxy pass a function that reads the
// trusted forwarded address. IPv4 clients of a dual-stack server show up as
// `::ffff:a.b.c.d`; allow-lists must name that form or the server must
// listen on an IPv4 address.

const { Buffer } = require('node:buffer')

const MESSAGE = Symbol.for('message')

/** The options of one delivery: the client address and the provider. */
function deliveryOptions(req, socket, options) {
  const remoteAddr = options.remoteAddr ? options.remoteAddr(req) : socket?.remoteAddress
  const provider = typeof options.provider === 'function' ? options.provider(req) : options.provider
  return { remoteAddr: remoteAddr ?? undefined, provider: provider ?? undefined }
}

/** Whether `err` is a refusal from the verifier (as opposed to a bug). */
const isRefusal = (err) => typeof err?.code === 'string' && err.code.startsWith('webhook.') && Number.isInteger(err.status)

function rawBodyMissing(name) {
  const err = new Error(`${name} needs the raw body as a Buffer: parse it with express.raw() or a buffer content-type parser`)
  err.code = 'invalid_argument'
  return err
}

/**
 * Express (or Connect) middleware that verifies a delivery with a
 * `WebhookVerifier` on the raw body: mount it after `express.raw({ type:
 * '*\/*' })`. A verified delivery is left in `req.webhook` (a `Verified`);
 * a refused one is answered with the core's status and `{"error": code}`,
 * and the handler is not called. Options: `provider` (a name, or a
 * function of the request), `remoteAddr` (a function of the request).
 */
function verifyWebhook(verifier, options = {}) {
  return function haloVerifyWebhook(req, res, next) {
    if (!Buffer.isBuffer(req.body)) {
      next(rawBodyMissing('verifyWebhook'))
      return
    }
    try {
      req.webhook = verifier.verify(req.body, req.headers, deliveryOptions(req, req.socket, options))
    } catch (err) {
      if (!isRefusal(err)) {
        next(err)
        return
      }
      res.statusCode = err.status
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify({ error: err.code }))
      return
    }
    next()
  }
}

/**
 * Makes a Fastify instance (or an encapsulated plugin context) hand every
 * body to its handlers as the raw `Buffer`, as `fastifyVerifyWebhook`
 * needs. Register webhook routes in their own context so other routes keep
 * their JSON parsing.
 */
function fastifyRawBody(instance) {
  instance.removeAllContentTypeParsers()
  instance.addContentTypeParser('*', { parseAs: 'buffer' }, (req, body, done) => done(null, body))
}

/**
 * A Fastify `preHandler` hook that verifies a delivery on the raw body
 * (see `fastifyRawBody`). A verified delivery is left in
 * `request.webhook`; a refused one is answered with the core's status and
 * `{"error": code}`. Options as for `verifyWebhook`, their functions given
 * Fastify's request.
 */
function fastifyVerifyWebhook(verifier, options = {}) {
  return async function haloVerifyWebhook(request, reply) {
    if (!Buffer.isBuffer(request.body)) throw rawBodyMissing('fastifyVerifyWebhook')
    const delivery = deliveryOptions(request, request.raw.socket, options)
    try {
      request.webhook = verifier.verify(request.body, request.headers, delivery)
    } catch (err) {
      if (!isRefusal(err)) throw err
      reply.code(err.status).send({ error: err.code })
      return reply
    }
  }
}

/** Whether `value` is an object or array that JSON can carry. */
const isPlain = (value) =>
  Array.isArray(value) || (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)

/**
 * A winston format that masks each log entry with a `Masker`: the message
 * and every other field (`maskRecord`: by field name, other strings
 * scanned), and the formatted line when an earlier format produced one.
 * Use it after `format.splat()` and before `format.json()` or
 * `format.printf()`; it is used as `format.combine(..., winstonMaskFormat(masker), ...)`.
 * `level` is left alone; fields that are neither text nor plain objects
 * (an `Error`, a `Date`) are kept as they are.
 */
function winstonMaskFormat(masker) {
  return {
    transform(info) {
      const fields = {}
      for (const [key, value] of Object.entries(info)) {
        if (key !== 'level' && (typeof value === 'string' || isPlain(value))) fields[key] = value
      }
      Object.assign(info, masker.maskRecord(fields))
      if (typeof info[MESSAGE] === 'string') info[MESSAGE] = masker.maskText(info[MESSAGE])
      return info
    },
  }
}

/**
 * pino options that mask every entry with a `Masker`: spread them into the
 * options given to `pino()`. String arguments of a log call (the message
 * and its `%s` values) are masked with `maskText`, the merged object with
 * `maskRecord`. Options already set for `hooks.logMethod` or
 * `formatters.log` are replaced.
 */
function pinoMaskOptions(masker) {
  return {
    hooks: {
      logMethod(args, method) {
        const masked = args.map((arg) => (typeof arg === 'string' ? masker.maskText(arg) : arg))
        return method.apply(this, masked)
      },
    },
    formatters: {
      log(object) {
        return masker.maskRecord(object)
      },
    },
  }
}

module.exports = { fastifyRawBody, fastifyVerifyWebhook, pinoMaskOptions, verifyWebhook, winstonMaskFormat }
