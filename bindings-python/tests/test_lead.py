"""Lead validation and source mapping through the Python binding, driven by
every file in tests/vectors/leads/ (leads, Apollo, ZoomInfo, CSV)."""

from __future__ import annotations

import json

import pytest

from halo_core import (
    CsvMapping,
    HaloCoreError,
    Lead,
    LeadSchema,
    LeadValidationError,
    ValidLead,
    Violation,
)

import vectors

ALL = list(vectors.cases("leads"))
LEADS = [(i, c) for i, c in ALL if not i.startswith("leads/sources/")]
APOLLO = [(i, c) for i, c in ALL if "sources/apollo.json" in i]
ZOOMINFO = [(i, c) for i, c in ALL if "sources/zoominfo.json" in i]
CSV = [(i, c) for i, c in ALL if "sources/csv.json" in i]

ADA = {
    "first_name": "  Ada ",
    "last_name": "Lovelace",
    "email": "Ada@Example.COM",
    "company": "Analytical   Engines",
}


def schema_of(options: dict | None) -> LeadSchema:
    options = dict(options or {})
    if "lengths" in options:
        options["lengths"] = {k: tuple(v) for k, v in options["lengths"].items()}
    return LeadSchema(**options)


def input_of(case: dict) -> bytes:
    if "text" in case:
        return case["text"].encode("utf-8")
    if "hex" in case:
        return bytes.fromhex(case["hex"])
    return json.dumps(case["lead"]).encode("utf-8")


def codes(err: LeadValidationError) -> list[dict]:
    return [{"field": v.field, "code": v.code} for v in err.violations]


def test_vectors_are_present() -> None:
    assert len(vectors.files("leads")) >= 5
    assert len(LEADS) >= 60 and len(APOLLO) + len(ZOOMINFO) >= 15 and len(CSV) >= 8


@pytest.mark.parametrize("case", [c for _, c in LEADS], ids=[i for i, _ in LEADS])
def test_lead_vector(case: dict) -> None:
    schema = schema_of(case.get("schema"))
    expect = case["expect"]
    paths = [lambda: schema.validate_json(input_of(case))]
    if "lead" in case and expect.get("error") != "lead.too_large":
        paths.append(lambda: schema.validate(case["lead"]))
    for run in paths:
        if expect["ok"]:
            lead = run()
            assert lead.to_dict() == expect["lead"]
            if "dedupe_key" in expect:
                assert lead.dedupe_key == expect["dedupe_key"]
            assert schema.validate(lead.to_dict()) == lead
        else:
            with pytest.raises(LeadValidationError) as caught:
                run()
            err = caught.value
            assert err.code == expect["error"]
            assert codes(err) == expect.get("violations", [])
            shown = f"{err} {err!r} {[v.message for v in err.violations]}"
            for value in (case.get("lead") or {}).values():
                if isinstance(value, str) and len(value.strip()) > 3:
                    assert value.strip() not in shown


def check_mapped(map_record, record: dict, expect: dict) -> None:
    if "error" in expect:
        with pytest.raises(LeadValidationError) as caught:
            map_record(record)
        assert caught.value.code == expect["error"]
        assert caught.value.field == expect["field"]
        return
    lead = map_record(record)
    assert lead == expect["lead"]
    if "valid" in expect:
        try:
            LeadSchema().validate(lead)
            ok = True
        except LeadValidationError:
            ok = False
        assert ok == expect["valid"]


@pytest.mark.parametrize("case", [c for _, c in APOLLO], ids=[i for i, _ in APOLLO])
def test_apollo_vector(case: dict) -> None:
    check_mapped(Lead.from_apollo, case["record"], case["expect"])


@pytest.mark.parametrize("case", [c for _, c in ZOOMINFO], ids=[i for i, _ in ZOOMINFO])
def test_zoominfo_vector(case: dict) -> None:
    check_mapped(Lead.from_zoominfo, case["record"], case["expect"])


@pytest.mark.parametrize("case", [c for _, c in CSV], ids=[i for i, _ in CSV])
def test_csv_vector(case: dict) -> None:
    mapping = CsvMapping(
        {header: field for header, field in case.get("mapping", {}).items()},
        keep_other_columns=case.get("keep_other_columns", False),
        delimiter=case.get("delimiter", ","),
    )
    expect = case["expect"]
    if "error" in expect:
        with pytest.raises(LeadValidationError) as caught:
            mapping.read(case["csv"])
        assert (caught.value.code, caught.value.field) == (expect["error"], expect["field"])
        return
    rows = mapping.read(case["csv"].encode("utf-8"))
    assert len(rows) == len(expect["rows"])
    for row, want in zip(rows, expect["rows"]):
        assert row.line == want["line"]
        if "error" in want:
            assert not row.ok and row.lead is None
            assert (row.error.code, row.error.field) == (want["error"], want["field"])
        else:
            assert row.ok and row.error is None
            assert row.lead == want["lead"]


def test_validate_normalises_and_returns_plain_values() -> None:
    lead = LeadSchema().validate(ADA)
    assert isinstance(lead, ValidLead)
    assert (lead.first_name, lead.email, lead.company) == ("Ada", "Ada@example.com", "Analytical Engines")
    assert lead.phone is None and lead.extra == {}
    assert lead.dedupe_key == "ada@example.com"
    assert lead.to_dict() == {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "Ada@example.com",
        "company": "Analytical Engines",
    }
    assert "Lovelace" not in repr(lead)


def test_errors_are_value_errors_with_every_violation() -> None:
    with pytest.raises(ValueError) as caught:
        LeadSchema().validate({"email": "not-an-email", "phone": 42, "utm": "x"})
    err = caught.value
    assert isinstance(err, LeadValidationError) and isinstance(err, HaloCoreError)
    assert err.code == "lead.invalid"
    assert all(isinstance(v, Violation) for v in err.violations)
    assert [(v.field, v.code) for v in err.violations] == [
        ("first_name", "lead.required"),
        ("last_name", "lead.required"),
        ("email", "lead.email_invalid"),
        ("phone", "lead.wrong_type"),
        ("company", "lead.required"),
        ("utm", "lead.unknown_field"),
    ]
    assert err.violations[2].to_dict()["code"] == "lead.email_invalid"
    assert "not-an-email" not in str(err)


def test_unknown_field_policies() -> None:
    extra = {**ADA, "utm_campaign": "spring", "score": [1, 2.5, None, True]}
    assert LeadSchema(unknown_fields="strip").validate(extra).extra == {}
    kept = LeadSchema(unknown_fields="keep").validate(extra)
    assert kept.extra == {"utm_campaign": "spring", "score": [1, 2.5, None, True]}
    assert kept.to_dict()["score"] == [1, 2.5, None, True]
    with pytest.raises(LeadValidationError) as caught:
        LeadSchema(unknown_fields="maybe")
    assert caught.value.code == "lead.schema_invalid"


def test_limits_and_phone_policy() -> None:
    schema = LeadSchema(lengths={"first_name": (2, 3)})
    assert schema.length("first_name") == (2, 3)
    with pytest.raises(LeadValidationError) as caught:
        schema.validate({**ADA, "first_name": "Adaline"})
    assert codes(caught.value) == [{"field": "first_name", "code": "lead.too_long"}]
    with pytest.raises(LeadValidationError):
        LeadSchema(lengths={"email": (1, 10)})
    e164 = LeadSchema(phone_policy="e164", phone_region="GB")
    assert e164.validate({**ADA, "phone": "020 7946 0000"}).phone == "+442079460000"
    with pytest.raises(LeadValidationError) as caught:
        e164.validate({**ADA, "phone": "12"})
    assert codes(caught.value) == [{"field": "phone", "code": "lead.phone_invalid"}]
    with pytest.raises(LeadValidationError):
        LeadSchema(phone_policy="e164")
    with pytest.raises(LeadValidationError):
        LeadSchema(phone_policy="e164", phone_region="ZZ")


def test_json_and_jsonl() -> None:
    text = json.dumps(ADA)
    assert LeadSchema().validate_json(text) == LeadSchema().validate_json(text.encode())
    with pytest.raises(LeadValidationError) as caught:
        LeadSchema().validate_json("[1]")
    assert caught.value.code == "lead.not_object" and caught.value.violations == []
    with pytest.raises(TypeError):
        LeadSchema().validate_json(42)
    jsonl = f"{text}\nnot json\n\n{{\"first_name\": \"A\"}}\n"
    outcomes = LeadSchema().validate_jsonl(jsonl)
    assert [(o.line, o.ok) for o in outcomes] == [(1, True), (2, False), (4, False)]
    assert outcomes[0].lead.dedupe_key == "ada@example.com"
    assert outcomes[1].error.code == "lead.syntax"
    assert isinstance(outcomes[2].error, LeadValidationError)
    assert outcomes[2].error.code == "lead.invalid"


def test_mapping_inputs_and_non_json_values() -> None:
    from collections import OrderedDict

    assert LeadSchema().validate(OrderedDict(ADA)).first_name == "Ada"
    with pytest.raises(TypeError):
        LeadSchema(unknown_fields="keep").validate({**ADA, "when": object()})
    with pytest.raises(LeadValidationError) as caught:
        LeadSchema().validate(["not", "a", "dict"])
    assert caught.value.code == "lead.not_object"


def test_sources_feed_the_schema() -> None:
    person = {"id": "5f1", "first_name": "Tim", "last_name": "Zheng",
              "email": "tim@apollo.example", "organization": {"name": "Apollo"}}
    lead = LeadSchema().validate(Lead.from_apollo(person))
    assert (lead.source, lead.source_id, lead.company) == ("apollo", "5f1", "Apollo")
    with pytest.raises(LeadValidationError) as caught:
        Lead.from_zoominfo({"firstName": "Ada"})
    assert (caught.value.code, caught.value.field) == ("lead.source_field_missing", "lastName")
    with pytest.raises(LeadValidationError):
        CsvMapping(delimiter=";;")


@pytest.mark.parametrize("case", [c for _, c in LEADS if "lead" in c], ids=[i for i, c in LEADS if "lead" in c])
def test_dicts_and_other_mappings_validate_alike(case: dict) -> None:
    # A dict lends its strings to the core; any other mapping is read as
    # JSON first. Both must give the same lead or the same violations.
    from types import MappingProxyType

    schema = schema_of(case.get("schema"))
    outcomes = []
    for lead in (case["lead"], MappingProxyType(case["lead"])):
        try:
            outcomes.append(schema.validate(lead).to_dict())
        except LeadValidationError as err:
            outcomes.append((err.code, codes(err)))
        except TypeError as err:
            outcomes.append(type(err))
    assert outcomes[0] == outcomes[1]


def test_dict_values_that_are_not_text() -> None:
    kept = LeadSchema(unknown_fields="keep").validate({**ADA, "phone": None, "score": 7,
                                                      "tags": ["a", {"b": 1.5}], "note": None})
    assert kept.phone is None and kept.extra == {"score": 7, "tags": ["a", {"b": 1.5}], "note": None}
    with pytest.raises(LeadValidationError) as caught:
        LeadSchema().validate({**ADA, "email": True, "company": 3})
    assert codes(caught.value) == [{"field": "email", "code": "lead.wrong_type"},
                                   {"field": "company", "code": "lead.wrong_type"}]
    with pytest.raises(TypeError):
        LeadSchema().validate({**ADA, 7: "seven"})
    with pytest.raises(TypeError):
        LeadSchema().validate({**ADA, "first_name": float("nan")})
    with pytest.raises(UnicodeEncodeError):
        LeadSchema().validate({**ADA, "company": "\ud800"})
