// Runs the language-neutral vectors under tests/vectors/ through the
// generated Kotlin bindings, with the same outcomes and error codes as the
// Rust suite (halo-core/tests/integration/*_vectors.rs). Prints
// `N passed, M failed` last and exits non-zero on any failure.
//
// Usage: kotlin -cp <bindings.jar>:<jna.jar>:<gson.jar>:<this.jar>
//   -Djna.library.path=<dir of libhalo_core_uniffi.so> VectorsTestKt <tests/vectors>

import com.google.gson.JsonArray
import com.google.gson.JsonElement
import com.google.gson.JsonNull
import com.google.gson.JsonObject
import com.google.gson.JsonParser
import io.github.halocore.BlindIndex
import io.github.halocore.Config
import io.github.halocore.FieldCipher
import io.github.halocore.HaloCoreException
import io.github.halocore.Header
import io.github.halocore.LeadSchema
import io.github.halocore.LeadSchemaOptions
import io.github.halocore.LengthRange
import io.github.halocore.ManualClock
import io.github.halocore.Masker
import io.github.halocore.MemoryOtpStore
import io.github.halocore.Policy
import io.github.halocore.RateLimiter
import io.github.halocore.RoleSpec
import io.github.halocore.Totp
import io.github.halocore.TotpOptions
import io.github.halocore.Verified
import io.github.halocore.WebhookSigner
import io.github.halocore.WebhookVerifier
import io.github.halocore.clientIp
import io.github.halocore.leadFromApollo
import io.github.halocore.leadFromZoominfo
import java.io.File
import java.util.Base64
import kotlin.system.exitProcess

private var passed = 0
private var failed = 0
private lateinit var root: File

// ---- the harness ----

private fun case(id: String, body: () -> Unit) {
    try {
        body()
        passed++
    } catch (e: Throwable) {
        failed++
        println("FAIL $id: $e")
    }
}

private fun check(ok: Boolean, what: () -> String) {
    if (!ok) throw AssertionError(what())
}

private fun eq(got: Any?, want: Any?, what: String = "value") =
    check(got == want) { "$what: got $got, want $want" }

/** The exception `block` throws, which must be a `HaloCoreException`. */
private fun thrown(block: () -> Unit): HaloCoreException {
    try {
        block()
    } catch (e: HaloCoreException) {
        return e
    }
    throw AssertionError("no HaloCoreException was thrown")
}

/** The code of the `HaloCoreException` `block` throws, or null. */
private fun codeOf(block: () -> Unit): String? =
    try {
        block()
        null
    } catch (e: HaloCoreException) {
        e.code()
    }

/** `[id, case]` for every case of every vector file under `area`, sorted. */
private fun cases(area: String): List<Pair<String, JsonObject>> {
    val files = File(root, area).walk().filter { it.isFile && it.name.endsWith(".json") }.toList()
    return files.sortedBy { it.path }.flatMap { file ->
        val data = JsonParser.parseString(file.readText()).asJsonObject
        check(data.has("about")) { "$file: missing about" }
        val rel = file.relativeTo(root).path
        data.getAsJsonArray("cases").map { it.asJsonObject }.map { "$rel#${it.str("name")}" to it }
    }
}

private fun JsonObject.str(key: String): String? = get(key)?.takeUnless { it.isJsonNull }?.asString

private fun JsonObject.long(key: String): Long? = get(key)?.takeUnless { it.isJsonNull }?.asLong

private fun JsonObject.int(key: String): Int? = long(key)?.toInt()

private fun JsonObject.bool(key: String): Boolean = get(key)?.takeUnless { it.isJsonNull }?.asBoolean ?: false

private fun JsonObject.obj(key: String): JsonObject? = get(key)?.takeUnless { it.isJsonNull }?.asJsonObject

private fun JsonObject.arr(key: String): JsonArray = get(key)?.takeUnless { it.isJsonNull }?.asJsonArray ?: JsonArray()

private fun JsonArray.strings(): List<String> = map { it.asString }

private fun JsonObject.stringMap(key: String): Map<String, String> =
    obj(key)?.entrySet()?.associate { it.key to it.value.asString } ?: emptyMap()

private fun parse(text: String): JsonElement = JsonParser.parseString(text)

private fun hex(text: String): ByteArray = text.chunked(2).map { it.toInt(16).toByte() }.toByteArray()

private fun ByteArray.toHex(): String = joinToString("") { "%02x".format(it) }

private fun pairs(list: JsonArray): List<Header> =
    list.map { Header(it.asJsonArray[0].asString, it.asJsonArray[1].asString) }

/** The value at a vector path such as `a.b[0].c`, or JSON null. */
private fun lookup(value: JsonElement, path: String): JsonElement {
    var at: JsonElement = value
    for (segment in path.split(".")) {
        val parts = segment.split("[")
        if (parts[0].isNotEmpty()) at = (at as? JsonObject)?.get(parts[0]) ?: JsonNull.INSTANCE
        for (index in parts.drop(1)) {
            val i = index.removeSuffix("]").toInt()
            at = (at as? JsonArray)?.takeIf { i < it.size() }?.get(i) ?: JsonNull.INSTANCE
        }
    }
    return at
}

// ---- config ----

private fun configVectors() {
    for ((id, c) in cases("config")) case(id) {
        val expect = c.obj("expect")!!
        val load = { Config.fromJson(c.str("text") ?: c.get("document").toString()) }
        if (!expect.bool("ok")) {
            val err = thrown { load() }
            check(err is HaloCoreException.Config) { "not a Config exception: $err" }
            eq(err.code(), expect.str("error"), "code")
            val problems = (err as HaloCoreException.Config).problems
            val got = problems.map { "${it.path} ${it.code}" }.sorted()
            val want = expect.arr("problems").map { it.asJsonObject }
                .map { "${it.str("path")} ${it.str("code")}" }.sorted()
            eq(got, want, "problems")
            for (p in expect.arr("problems").map { it.asJsonObject }.filter { it.has("hint") }) {
                val found = problems.first { it.path == p.str("path") && it.code == p.str("code") }
                eq(found.hint, p.str("hint"), "hint")
            }
            return@case
        }
        val config = load()
        val written = try {
            config.toJson()
        } catch (e: HaloCoreException) {
            eq(e.code(), "config.inline_secret", "toJson code")
            null
        }
        if (written != null) {
            check(Config.fromJson(written) == config) { "the written document loads to another config" }
            val document = parse(written)
            for ((path, value) in expect.obj("values")?.entrySet() ?: emptySet()) {
                eq(lookup(document, path), value, path)
            }
        }
        if (expect.has("findings")) {
            val got = config.posture().map { "${it.code} ${it.severity} ${it.path}" }.sorted()
            val want = expect.arr("findings").map { it.asJsonObject }
                .map { "${it.str("code")} ${it.str("severity")} ${it.str("path")}" }.sorted()
            eq(got, want, "findings")
        }
    }
}

// ---- webhooks ----

private fun bodyOf(step: JsonObject): ByteArray =
    step.str("body_base64")?.let { Base64.getDecoder().decode(it) } ?: step.str("body")!!.toByteArray()

private fun webhookVectors() {
    val all = cases("webhooks")
    for ((id, c) in all.filter { it.first.startsWith("webhooks/verify/") }) case(id) {
        val config = Config.fromJson(c.get("config").toString())
        val verifier = WebhookVerifier.fromConfig(config, c.stringMap("env"))
        var lastOk: Verified? = null
        c.arr("steps").map { it.asJsonObject }.forEachIndexed { i, step ->
            if (step.bool("release_before")) verifier.release(lastOk!!)
            val expect = step.obj("expect")!!
            val body = bodyOf(step)
            val headers = pairs(step.arr("headers"))
            val (addr, provider, now) = Triple(step.str("remote_addr"), step.str("provider"), step.long("now"))
            val verified = try {
                when (step.str("mode") ?: "verify") {
                    "verify" -> verifier.verify(body, headers, addr, provider, now)
                    "verify_ignoring_timestamp" -> verifier.verifyIgnoringTimestamp(body, headers, addr, provider, now)
                    else -> throw AssertionError("step $i: unknown mode")
                }
            } catch (e: HaloCoreException) {
                check(e is HaloCoreException.Webhook) { "step $i: not a Webhook exception: $e" }
                val want = mapOf("ok" to expect.bool("ok"), "code" to expect.str("code"))
                eq(mapOf("ok" to false, "code" to e.code()), want, "step $i")
                return@forEachIndexed
            }
            val got = listOf(true, verified.provider(), verified.scheme(), verified.id(), verified.timestamp())
            val want = listOf(
                expect.bool("ok"), expect.str("provider"), expect.str("scheme"), expect.str("id"),
                expect.long("timestamp"),
            )
            eq(got, want, "step $i")
            if (step.bool("release")) verifier.release(verified)
            lastOk = verified
        }
    }
    for ((id, c) in all.filter { it.first.startsWith("webhooks/sign/") }) case(id) {
        val config = Config.fromJson(c.get("config").toString())
        val signer = WebhookSigner.fromConfig(config, c.str("provider"), c.stringMap("env"))
        val headers = signer.sign(bodyOf(c), c.str("id"), c.long("timestamp"))
        val got = headers.map { "${it.name.lowercase()}\n${it.value}" }.sorted()
        val want = c.obj("expect")!!.arr("headers").map { it.asJsonArray }
            .map { "${it[0].asString.lowercase()}\n${it[1].asString}" }.sorted()
        eq(got, want, "headers")
    }
}

// ---- leads ----

private fun schemaOf(options: JsonObject?): LeadSchema {
    if (options == null) return LeadSchema.guideDefault()
    val lengths = options.obj("lengths")?.entrySet()?.associate { (field, range) ->
        val (min, max) = range.asJsonArray.map { it.asInt.toUInt() }
        field to LengthRange(min, max)
    } ?: emptyMap()
    val opts = LeadSchemaOptions(
        lengths = lengths,
        unknownFields = options.str("unknown_fields"),
        maxJsonBytes = options.int("max_json_bytes")?.toUInt(),
    )
    return LeadSchema.withOptions(opts)
}

private fun leadVectors() {
    val all = cases("leads")
    for ((id, c) in all.filter { !it.first.startsWith("leads/sources/") }) case(id) {
        val schema = schemaOf(c.obj("schema"))
        val expect = c.obj("expect")!!
        val run = {
            when {
                c.has("text") -> schema.validateJson(c.str("text")!!)
                c.has("hex") -> schema.validateJsonBytes(hex(c.str("hex")!!))
                else -> schema.validateJson(c.get("lead").toString())
            }
        }
        if (expect.bool("ok")) {
            val lead = run()
            eq(parse(lead), expect.get("lead"), "lead")
            expect.str("dedupe_key")?.let { eq(schema.dedupeKey(lead), it, "dedupe key") }
            eq(parse(schema.validateJson(lead)), parse(lead), "validating the normalised lead again")
            return@case
        }
        val err = thrown { run() }
        check(err is HaloCoreException.Lead) { "not a Lead exception: $err" }
        eq(err.code(), expect.str("error"), "code")
        val violations = (err as HaloCoreException.Lead).violations
        val want = expect.arr("violations").map { it.asJsonObject }.map { it.str("field") to it.str("code") }
        eq(violations.map { it.field to it.code }, want, "violations")
        val shown = "${err.message} $violations"
        for ((_, value) in c.obj("lead")?.entrySet() ?: emptySet()) {
            val text = value.takeIf { it.isJsonPrimitive && it.asJsonPrimitive.isString }?.asString?.trim()
            if (text != null && text.length > 3) check(!shown.contains(text)) { "the error shows a value" }
        }
    }
    val sources = mapOf("apollo.json" to ::leadFromApollo, "zoominfo.json" to ::leadFromZoominfo)
    for ((file, map) in sources) {
        for ((id, c) in all.filter { it.first.substringBefore("#").endsWith(file) }) case(id) {
            val expect = c.obj("expect")!!
            val record = c.get("record").toString()
            if (expect.has("error")) {
                val err = thrown { map(record) }
                eq(err.code(), expect.str("error"), "code")
                eq((err as HaloCoreException.Lead).sourceField, expect.str("field"), "field")
                return@case
            }
            val lead = map(record)
            eq(parse(lead), expect.get("lead"), "lead")
            if (expect.has("valid")) {
                eq(codeOf { LeadSchema.guideDefault().validateJson(lead) } == null, expect.bool("valid"), "valid")
            }
        }
    }
}

// ---- masking ----

private val SHORT_KEY = ByteArray(16) { 7 }

private fun maskerOf(c: JsonObject): Masker {
    val config = c.get("config")?.let { Config.fromJson(it.toString()) } ?: Config.guideDefault()
    return Masker.fromConfig(config, envOf(c))
}

private fun envOf(c: JsonObject): Map<String, ByteArray> {
    val env = mutableMapOf("MASKING_SHORT_KEY" to SHORT_KEY)
    c.str("key_hex")?.let { env["MASKING_KEY"] = hex(it) }
    return env
}

private fun checkRecord(masker: Masker, c: JsonObject, key: String) {
    val masked = masker.maskRecord(c.get(key).toString())
    eq(parse(masked), c.get("output"), "masked record")
    eq(parse(masker.maskRecord(masked)), c.get("output"), "masking again")
}

private fun maskingVectors() {
    for ((id, c) in cases("masking")) case(id) {
        when (File(id.substringBefore("#")).nameWithoutExtension) {
            "values" -> {
                val doc = """{"security": {"data_masking": {"rules": {"rule": ${c.get("rule")}}}}}"""
                val masker = Masker.fromConfig(Config.fromJson(doc), emptyMap())
                val output = masker.maskValue("rule", c.str("input")!!)
                eq(output, c.str("output"), "masked value")
                eq(masker.maskValue("rule", output!!), output, "masking again")
            }
            "records" -> checkRecord(maskerOf(c), c, "input")
            "errors" -> {
                val error = c.str("error")!!
                if (error.startsWith("config.")) {
                    val err = thrown { Config.fromJson(c.get("config").toString()) } as HaloCoreException.Config
                    eq(err.code, error, "code")
                    val want = c.arr("problems").map { it.asJsonObject }.map { it.str("path") to it.str("code") }
                    eq(err.problems.map { it.path to it.code }, want, "problems")
                } else {
                    val config = Config.fromJson(c.get("config").toString())
                    val err = thrown { Masker.fromConfig(config, envOf(c)) }
                    check(err is HaloCoreException.Masking) { "not a Masking exception: $err" }
                    eq(err.code(), error, "code")
                }
            }
            "pseudonyms" -> if (c.has("record")) {
                checkRecord(maskerOf(c), c, "record")
            } else {
                eq(maskerOf(c).maskText(c.str("text")!!), c.str("output"), "masked text")
            }
            else -> {
                val masker = maskerOf(c)
                val input = c.str("input")!!
                val output = c.str("output")!!
                eq(masker.maskText(input), output, "masked text")
                eq(masker.maskText(output), output, "masking again")
                if (c.has("detectors")) {
                    val found = masker.find(input)
                    eq(found.map { it.detector }, c.arr("detectors").strings(), "detectors")
                    for (d in found) {
                        check(input.substring(d.start.toInt(), d.end.toInt()).isNotEmpty()) { "empty finding" }
                    }
                }
            }
        }
    }
}

// ---- crypto ----

private fun cryptoVectors() {
    // aes-256-gcm-wycheproof.json tests the raw AEAD, which is not exported;
    // it runs in the Rust unit tests.
    for ((id, c) in cases("crypto")) {
        when (File(id.substringBefore("#")).name) {
            "envelope.json" -> case(id) {
                val cipher = FieldCipher.fromBase64Keys(mapOf(c.str("key_id")!! to c.str("key")!!))
                val plaintext = cipher.decryptField(c.str("field")!!, c.str("context")!!, c.str("envelope")!!)
                eq(plaintext.toHex(), c.str("plaintext_hex"), "plaintext")
            }
            "tamper.json" -> case(id) {
                val cipher = FieldCipher.fromBase64Keys(mapOf(c.str("key_id")!! to c.str("key")!!))
                val err = thrown { cipher.decryptField(c.str("field")!!, c.str("context")!!, c.str("envelope")!!) }
                check(err is HaloCoreException.Crypto) { "not a Crypto exception: $err" }
                eq(err.code(), c.str("error"), "code")
            }
            "blind-index.json" -> case(id) {
                val index = BlindIndex.fromBase64Key(c.str("key")!!, c.int("bytes")!!.toUInt())
                eq(index.index(c.str("field")!!, c.str("value")!!), c.str("index"), "index")
            }
        }
    }
}

// ---- access ----

private fun policyOf(c: JsonObject): Policy {
    c.get("document")?.let { return Policy.fromConfig(Config.fromJson(it.toString())) }
    val roles = c.obj("roles")!!.entrySet().associate { (name, role) ->
        val r = role.asJsonObject
        name to RoleSpec(r.arr("permissions").strings(), r.arr("inherits").strings())
    }
    return Policy.fromRoles(roles)
}

private fun totpOf(c: JsonObject): Totp {
    val options = TotpOptions(
        algorithm = c.str("algorithm"),
        digits = c.int("digits")?.toUInt(),
        maxFailures = c.int("max_failures")?.toUInt(),
        lockout = c.int("lockout_seconds")?.toUInt(),
    )
    return Totp.fromBytes(hex(c.str("secret_hex")!!), options)
}

private fun accessVectors() {
    // jwt-validation.json needs the token validator, which is not exported.
    for ((id, c) in cases("access")) {
        when (File(id.substringBefore("#")).name) {
            "rbac-decisions.json" -> case(id) {
                val policy = policyOf(c)
                for (chk in c.arr("checks").map { it.asJsonObject }) {
                    val roles = chk.arr("roles").strings()
                    val permission = chk.str("permission")!!
                    val decision = policy.decide(roles, permission)
                    eq(decision.allowed, chk.bool("allowed"), "allowed $chk")
                    val grant = decision.grantedBy?.let { mapOf("role" to it.role, "permission" to it.permission) }
                    val want = chk.obj("granted_by")
                        ?.let { mapOf("role" to it.str("role"), "permission" to it.str("permission")) }
                    eq(grant, want, "granted_by $chk")
                    if (roles.size == 1) {
                        eq(policy.isAllowed(roles[0], permission), chk.bool("allowed"), "isAllowed $chk")
                    }
                }
                for ((role, expected) in c.obj("effective")?.entrySet() ?: emptySet()) {
                    val want = expected.takeUnless { it.isJsonNull }?.asJsonArray?.strings()
                    eq(policy.effectivePermissions(role), want, "effective $role")
                }
            }
            "rbac-broken.json" -> case(id) {
                val err = thrown { policyOf(c) }
                check(err is HaloCoreException.Access) { "not an Access exception: $err" }
                eq(err.code(), c.str("error"), "code")
            }
            "totp-rfc6238.json" -> case(id) {
                eq(totpOf(c).generate(c.long("time")!!), c.str("code"), "code")
            }
            "totp-verify.json" -> case(id) {
                val totp = totpOf(c)
                val store = MemoryOtpStore()
                for (a in c.arr("attempts").map { it.asJsonObject }) {
                    val account = a.str("account") ?: "alice"
                    val got = codeOf { totp.verify(account, a.str("code")!!, store, a.long("time")) }
                    eq(got, a.str("error"), "attempt $a")
                }
            }
        }
    }
}

// ---- rate limiting ----

private const val START = 1_700_000_000_000uL

private fun rateLimitVectors() {
    for ((id, c) in cases("ratelimit")) {
        if (id.contains("client_ip.json")) {
            case(id) {
                val header = c.str("header") ?: "x-forwarded-for"
                val ip = clientIp(c.str("remote")!!, pairs(c.arr("headers")), c.arr("trusted").strings(), header)
                eq(ip, c.str("expect"), "client ip")
            }
            continue
        }
        case(id) {
            val config = Config.fromJson((c.obj("config") ?: JsonObject()).toString())
            val clock = ManualClock(START)
            c.str("build_error")?.let { want ->
                eq(codeOf { RateLimiter.fromConfig(config, clock) }, want, "build error")
                return@case
            }
            val limiter = RateLimiter.fromConfig(config, clock)
            val rule = c.str("rule")!!
            c.arr("steps").map { it.asJsonObject }.forEachIndexed { i, step ->
                clock.set(START + step.long("at_ms")!!.toULong())
                val key = step.int("key_repeat")?.let { "k".repeat(it) } ?: step.str("key") ?: "client"
                repeat(step.int("repeat") ?: 1) {
                    step.str("error")?.let { want ->
                        eq(codeOf { limiter.check(rule, key, step.str("ip"), step.str("user_agent")) }, want, "step $i")
                        return@repeat
                    }
                    val d = limiter.check(rule, key, step.str("ip"), step.str("user_agent"))
                    eq(d.kind, step.str("decision"), "step $i kind")
                    if (step.has("remaining")) eq(d.remaining?.toLong(), step.long("remaining"), "step $i remaining")
                    if (step.has("reset_ms")) eq(d.resetMs, step.get("reset_ms").asDouble, "step $i reset_ms")
                    if (step.has("retry_after_ms")) {
                        eq(d.retryAfterMs, step.get("retry_after_ms").asDouble, "step $i retry_after_ms")
                    }
                    if (step.has("headers")) eq(d.headers, step.stringMap("headers"), "step $i headers")
                }
            }
        }
    }
}

// ---- beyond the vectors: the exception tree ----

private fun exceptionChecks() {
    case("exceptions: one sealed tree with a code on the base class") {
        val err: HaloCoreException = thrown { Config.fromJson("{\"security\": {\"mfa\": {\"enabeld\": true}}}") }
        check(err is Exception) { "not an Exception" }
        eq(err.code(), "config.invalid", "code")
        val problem = (err as HaloCoreException.Config).problems.single()
        eq(problem.hint, "did you mean `enabled`?", "hint")
        val bad = thrown { RateLimiter.fromConfig(Config.guideDefault(), null, "sideways") }
        check(bad is HaloCoreException.InvalidArgument) { "not InvalidArgument: $bad" }
        eq(bad.code(), "invalid_argument", "code")
    }
    case("exceptions: a secret never shows in a message") {
        val secret = "s3cret-v4lue-for-the-test"
        val doc = """{"security": {"webhooks": {"authentication": {"methods": ["signature"],
            "signature": {"scheme": "generic", "secret": {"env": "HOOK"}}}}}}"""
        val verifier = WebhookVerifier.fromConfig(Config.fromJson(doc), mapOf("HOOK" to secret))
        val forged = listOf(Header("X-Webhook-Signature", "00".repeat(32)))
        val err = thrown { verifier.verify("{}".toByteArray(), forged, null, null, null) }
        eq(err.code(), "webhook.signature_mismatch", "code")
        check(!err.message.orEmpty().contains(secret)) { "the message shows the secret" }
    }
}

fun main(args: Array<String>) {
    root = File(args.firstOrNull() ?: "tests/vectors")
    check(root.isDirectory) { "no vectors at $root" }
    configVectors()
    webhookVectors()
    leadVectors()
    maskingVectors()
    cryptoVectors()
    accessVectors()
    rateLimitVectors()
    exceptionChecks()
    println("$passed passed, $failed failed")
    if (failed > 0 || passed == 0) exitProcess(1)
}
