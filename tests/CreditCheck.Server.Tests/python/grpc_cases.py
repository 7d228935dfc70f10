#!/usr/bin/env python3
"""The gRPC API driven as a Python system would, with `grpcio` stubs generated from the shipped proto
(Debian python3-grpcio and python3-grpc-tools).

usage: grpc_cases.py CASE   with TARGET (127.0.0.1:PORT), PROTO_DIR (the folder of creditcheck.proto), STUBS
(a folder to generate the stubs into) and KEY (or empty) in the environment. Prints one JSON object; exit 0
only when every assertion held.
"""
import datetime
import json
import os
import sys
import uuid

import grpc
from grpc_tools import protoc

STUBS = os.environ["STUBS"]
if not os.path.exists(os.path.join(STUBS, "creditcheck_pb2_grpc.py")):
    os.makedirs(STUBS, exist_ok=True)
    code = protoc.main(["protoc", "-I" + os.environ["PROTO_DIR"], "--python_out=" + STUBS, "--grpc_python_out=" + STUBS, "creditcheck.proto"])
    assert code == 0, "protoc failed"
sys.path.insert(0, STUBS)
import creditcheck_pb2 as pb  # noqa: E402
import creditcheck_pb2_grpc as pb_grpc  # noqa: E402

KEY = os.environ.get("KEY", "")
LISTED = os.environ.get("LISTED", "320102197207067646")
CLEAN = os.environ.get("CLEAN", "91350100M000100Y43")
SCENARIO = "procurement.bid"
channel = grpc.insecure_channel(os.environ["TARGET"])
stub = pb_grpc.CreditCheckServiceStub(channel)


def metadata(key=None):
    key = KEY if key is None else key
    return [("authorization", "Bearer " + key)] if key else []


def fails(call, request, code, key=None, field=None):
    try:
        call(request, metadata=metadata(key), timeout=30)
    except grpc.RpcError as error:
        assert error.code() == code, (error.code(), error.details())
        trailers = dict(error.trailing_metadata() or ())
        assert trailers.get("problem-type", "").startswith("urn:creditcheck:problem:"), trailers
        if field is not None:
            assert trailers.get("field") == field, trailers
        assert " | " in error.details(), error.details()  # Chinese | English
        return {"code": error.code().name, "details": error.details(), "field": trailers.get("field")}
    raise AssertionError(f"expected {code}")


def case_listed():
    d = stub.Check(pb.CheckRequest(subject=LISTED, scenario=SCENARIO, transaction_reference="CG-1"), metadata=metadata(), timeout=30)
    assert d.outcome == "Denied", d
    codes = [m.code for m in d.applied_measures]
    assert "procurement-refusal" in codes, codes
    refusal = d.applied_measures[codes.index("procurement-refusal")]
    assert refusal.legal_basis and refusal.triggered_by[0].startswith("court-dishonest-debtors:"), refusal
    assert d.matched_entries[0].state == "InForce" and "失信" in d.explanation
    assert d.matched_entries[0].listed_on and not d.matched_entries[0].listed_in_own_right, d
    related = stub.Check(pb.CheckRequest(subject="330106195906204898", scenario=SCENARIO), metadata=metadata(), timeout=30)
    assert related.matched_entries[0].related_role == "LegalRepresentative" and not related.matched_entries[0].listed_in_own_right, related
    uuid.UUID(d.check_id)
    return {"outcome": d.outcome, "measures": codes, "department": d.department, "checkId": d.check_id}


def case_clean():
    d = stub.Check(pb.CheckRequest(subject=CLEAN, kind="entity", scenario=SCENARIO), metadata=metadata(), timeout=30)
    assert d.outcome == "Clear" and not d.applied_measures and not d.is_degraded, d
    return {"outcome": d.outcome, "path": d.path, "listsNotHeld": list(d.lists_not_held)}


def case_batch():
    checks = [pb.CheckRequest(subject=s, scenario=c) for s, c in [(LISTED, SCENARIO), (CLEAN, SCENARIO), (LISTED, "licensing")]]
    response = stub.CheckMany(pb.CheckManyRequest(checks=checks), metadata=metadata(), timeout=30)
    outcomes = [d.outcome for d in response.decisions]
    assert len(outcomes) == 3 and outcomes[0] == "Denied" and outcomes[1] == "Clear", outcomes
    assert [d.scenario for d in response.decisions] == [SCENARIO, SCENARIO, "licensing"]
    return {"outcomes": outcomes}


def case_feedback():
    d = stub.Check(pb.CheckRequest(subject=LISTED, scenario=SCENARIO), metadata=metadata(), timeout=30)
    answer = stub.ReportFeedback(pb.FeedbackRequest(check_id=d.check_id, district="440300", measures=[
        pb.MeasureFeedback(measure="procurement-refusal", result="Overridden", overridden_by="市财政局 李某", reason="禁止期已届满", amount="0")]),
        metadata=metadata(), timeout=30)
    assert list(answer.record_keys) == [uuid.UUID(d.check_id).hex + ":procurement-refusal"], answer
    # A time without an offset is China Standard Time, as over HTTP (it was read as UTC: 8 hours in the future).
    china_now = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y-%m-%dT%H:%M:%S")
    again = stub.Check(pb.CheckRequest(subject=LISTED, scenario=SCENARIO), metadata=metadata(), timeout=30)
    local = stub.ReportFeedback(pb.FeedbackRequest(check_id=again.check_id, all_executed=True, executed_at=china_now), metadata=metadata(), timeout=30)
    assert len(local.record_keys) == 1, local
    return {"checkId": d.check_id, "recordKeys": list(answer.record_keys)}


def case_feedback_elsewhere():
    """As http_cases.feedback_elsewhere, over gRPC: checked through TARGET, reported through OTHER_TARGET."""
    other = pb_grpc.CreditCheckServiceStub(grpc.insecure_channel(os.environ["OTHER_TARGET"]))
    d = stub.Check(pb.CheckRequest(subject=LISTED, scenario=SCENARIO), metadata=metadata(), timeout=30)
    answer = other.ReportFeedback(pb.FeedbackRequest(check_id=d.check_id, all_executed=True), metadata=metadata(), timeout=30)
    assert list(answer.record_keys) == [uuid.UUID(d.check_id).hex + ":procurement-refusal"] and len(answer.repeats) == 0, answer
    return {"checkId": d.check_id, "recordKeys": list(answer.record_keys)}


def case_feedback_store_down():
    """As http_cases.feedback_store_down: UNAVAILABLE, the reason in both languages, nothing of the service's inside."""
    d = stub.Check(pb.CheckRequest(subject=LISTED, scenario=SCENARIO), metadata=metadata(), timeout=30)
    refused = fails(stub.ReportFeedback, pb.FeedbackRequest(check_id=d.check_id, all_executed=True), grpc.StatusCode.UNAVAILABLE)
    for inside in ["127.0.0.1", "Redis", "cc:{", "XADD", "IOCP", "Exception", os.environ.get("REDIS_PORT", "127.0.0.1")]:
        assert inside not in refused["details"], (inside, refused)
    assert "重新报送" in refused["details"] and "report it again" in refused["details"], refused
    return refused

def case_feedback_repeat():
    # A measure reported again with another result: acknowledged with the record kept, marked as a repeat (found by
    # review: the repeat was answered as if recorded).
    d = stub.Check(pb.CheckRequest(subject=LISTED, scenario=SCENARIO), metadata=metadata(), timeout=30)
    first = stub.ReportFeedback(pb.FeedbackRequest(check_id=d.check_id, measures=[pb.MeasureFeedback(measure="procurement-refusal", result="Executed")]),
                                metadata=metadata(), timeout=30)
    assert len(first.repeats) == 0, first
    again = stub.ReportFeedback(pb.FeedbackRequest(check_id=d.check_id, measures=[
        pb.MeasureFeedback(measure="procurement-refusal", result="NotExecuted", reason="改判")]), metadata=metadata(), timeout=30)
    assert list(again.record_keys) == list(first.record_keys), again
    return {"repeats": [{"recordKey": r.record_key, "result": r.result, "reportedAt": r.reported_at} for r in again.repeats],
            "recordKeys": list(first.record_keys)}


def case_errors():
    seen = {
        "invalid_subject": fails(stub.Check, pb.CheckRequest(subject="91500103MA7K2I7734", scenario=SCENARIO), grpc.StatusCode.INVALID_ARGUMENT, field="subject"),
        "unknown_scenario": fails(stub.Check, pb.CheckRequest(subject=CLEAN, scenario="casino"), grpc.StatusCode.INVALID_ARGUMENT, field="scenario"),
        "batch_too_large": fails(stub.CheckMany, pb.CheckManyRequest(checks=[pb.CheckRequest(subject=CLEAN, scenario=SCENARIO)] * (int(os.environ.get("MAX_BATCH", "50")) + 1)),
                                 grpc.StatusCode.INVALID_ARGUMENT, field="checks"),
        "unknown_check": fails(stub.ReportFeedback, pb.FeedbackRequest(check_id=str(uuid.uuid4()), all_executed=True), grpc.StatusCode.NOT_FOUND, field="check_id"),  # was checkId, the HTTP name (found from outside)
        "bad_check_id": fails(stub.ReportFeedback, pb.FeedbackRequest(check_id="12"), grpc.StatusCode.INVALID_ARGUMENT, field="check_id"),
    }
    assert "第14位" in seen["invalid_subject"]["details"] and "position 14" in seen["invalid_subject"]["details"], seen
    # a person's number with a birth-month typo, no kind: both readings, not only the 统一社会信用代码's (found from outside)
    month = fails(stub.Check, pb.CheckRequest(subject="320102197217067646", scenario=SCENARIO), grpc.StatusCode.INVALID_ARGUMENT, field="subject")
    assert "出生日期 '19721706'" in month["details"] and "作为法人" in month["details"] and "birth date '19721706'" in month["details"], month
    seen["month_typo"] = month
    return seen


def case_batch_many_problems():
    """A CheckMany with many bad items, on a channel with grpcio's default limits (as grpc-java's: 8 KiB of metadata).
    Found from outside: with 5 or more bad subjects the status message (every problem, Chinese percent-encoded) outgrew
    the client's metadata limit, and the caller got RESOURCE_EXHAUSTED "received initial metadata size exceeds limit",
    with no field and no problem type, instead of INVALID_ARGUMENT naming the items."""
    bad = [pb.CheckRequest(subject="9135010OM000100Y43" if i % 2 == 0 else "91350100M000100Y4", scenario=SCENARIO) for i in range(30)]
    seen = fails(stub.CheckMany, pb.CheckManyRequest(checks=bad), grpc.StatusCode.INVALID_ARGUMENT, field="checks[0].subject")
    # every bad item named (here all 30 fit), the first with its problem, the rest counted and listed by field
    assert all(f"checks[{i}].subject" in seen["details"] for i in range(30)), seen
    import re
    explained = len(set(re.findall(r"checks\[\d+\]\.subject:", seen["details"].split(" | ")[1])))
    more = re.search(r"and (\d+) more", seen["details"])
    assert explained >= 1 and more and explained + int(more.group(1)) == 30, (explained, seen)
    return seen

def case_long_values():
    """A long value the service repeats in its answer (an unknown scenario, a bad kind) on a default grpcio channel.
    Found from outside: a 5,000-character scenario made the status message outgrow the client's 8 KiB metadata limit,
    and the caller got RESOURCE_EXHAUSTED "received initial metadata size exceeds limit" instead of INVALID_ARGUMENT."""
    seen = {
        "scenario": fails(stub.Check, pb.CheckRequest(subject=CLEAN, scenario="x" * 5000), grpc.StatusCode.INVALID_ARGUMENT, field="scenario"),
        "chinese": fails(stub.Check, pb.CheckRequest(subject=CLEAN, scenario="采购" * 1000), grpc.StatusCode.INVALID_ARGUMENT, field="scenario"),
        "kind": fails(stub.Check, pb.CheckRequest(subject=CLEAN, scenario=SCENARIO, kind="k" * 5000), grpc.StatusCode.INVALID_ARGUMENT, field="kind"),
        "measure": fails(stub.ReportFeedback, pb.FeedbackRequest(
            check_id=stub.Check(pb.CheckRequest(subject=LISTED, scenario=SCENARIO), metadata=metadata(), timeout=30).check_id,
            measures=[pb.MeasureFeedback(measure="m" * 5000, result="Executed")]), grpc.StatusCode.INVALID_ARGUMENT, field="measures[0].measure"),
    }
    return {name: len(s["details"]) for name, s in seen.items()}

def case_contract():
    """Found from outside: amount "1,200" was accepted over gRPC and refused over HTTP; the trailer said executed_at
    while the message said executedAt; an over-size message got gRPC's own English text."""
    import requests
    d = stub.Check(pb.CheckRequest(subject=LISTED, scenario=SCENARIO), metadata=metadata(), timeout=30)
    amount = fails(stub.ReportFeedback, pb.FeedbackRequest(check_id=d.check_id, measures=[
        pb.MeasureFeedback(measure="procurement-refusal", result="Executed", amount="1,200")]), grpc.StatusCode.INVALID_ARGUMENT, field="measures[0].amount")
    http_check = requests.post(os.environ["BASE_URL"] + "/v1/checks", json={"subject": LISTED, "scenario": SCENARIO},
                               headers={"Authorization": "Bearer " + KEY}, timeout=30).json()
    http = requests.post(os.environ["BASE_URL"] + "/v1/feedback", json={"checkId": http_check["checkId"], "measures": [
        {"measure": "procurement-refusal", "result": "Executed", "amount": "1,200"}]}, headers={"Authorization": "Bearer " + KEY}, timeout=30)
    assert http.status_code == 400, http.text
    http_error = http.json()["errors"][0]
    assert http_error["field"] == "measures[0].amount", http_error
    # the same refusal, in the same words, on both (HTTP has no text of the value's own when it is a JSON value)
    assert http_error["problemZh"].split("不是以元计的数字")[1] in amount["details"], (http_error, amount)
    assert http_error["problem"].split(" is not a decimal number of yuan")[1] in amount["details"], (http_error, amount)
    ok = stub.ReportFeedback(pb.FeedbackRequest(check_id=d.check_id, measures=[
        pb.MeasureFeedback(measure="procurement-refusal", result="Executed", amount="1200.50")]), metadata=metadata(), timeout=30)
    assert len(ok.record_keys) == 1, ok
    again = stub.Check(pb.CheckRequest(subject=LISTED, scenario=SCENARIO), metadata=metadata(), timeout=30)
    future = fails(stub.ReportFeedback, pb.FeedbackRequest(check_id=again.check_id, all_executed=True, executed_at="2099-01-01T00:00:00+08:00"),
                   grpc.StatusCode.INVALID_ARGUMENT, field="executed_at")
    assert "executed_at" in future["details"] and "executedAt" not in future["details"], future
    big = fails(stub.Check, pb.CheckRequest(subject=CLEAN, scenario=SCENARIO, operator="x" * (int(os.environ.get("MAX_BODY", "65536")) + 100)),
                grpc.StatusCode.RESOURCE_EXHAUSTED, field=None)
    assert big["details"].startswith("message：超过"), big
    assert "超过" in big["details"] and "MaxRequestBodyBytes" in big["details"], big
    return {"amount": amount["details"], "future": future["details"], "big": big["details"]}


def case_path_letter_case():
    """As http_cases.path_letter_case: a method path in another letter case (/CreditCheck.v1.CreditCheckService/GetCatalog)
    is routed to the same service, and must ask for the key. Found from outside: GetCatalog answered without a key, and
    Check failed UNKNOWN "Exception was thrown by handler." instead of UNAUTHENTICATED."""
    seen = {}
    for service in ["/CreditCheck.v1.CreditCheckService", "/creditcheck.V1.creditcheckservice"]:
        catalog = channel.unary_unary(service + "/GetCatalog", request_serializer=pb.GetCatalogRequest.SerializeToString, response_deserializer=pb.Catalog.FromString)
        check = channel.unary_unary(service + "/Check", request_serializer=pb.CheckRequest.SerializeToString, response_deserializer=pb.Decision.FromString)
        seen[service] = [fails(catalog, pb.GetCatalogRequest(), grpc.StatusCode.UNAUTHENTICATED, key="")["code"],
                         fails(check, pb.CheckRequest(subject=LISTED, scenario=SCENARIO), grpc.StatusCode.UNAUTHENTICATED, key="")["code"]]
        d = check(pb.CheckRequest(subject=LISTED, scenario=SCENARIO), metadata=metadata(), timeout=30)
        assert d.outcome == "Denied", d
    return seen

def case_unknown_key():
    return {"unknown": fails(stub.Check, pb.CheckRequest(subject=CLEAN, scenario=SCENARIO), grpc.StatusCode.UNAUTHENTICATED, key="not-a-key"),
            "missing": fails(stub.GetCatalog, pb.GetCatalogRequest(), grpc.StatusCode.UNAUTHENTICATED, key="")}


def case_feedback_only():
    denied = fails(stub.Check, pb.CheckRequest(subject=CLEAN, scenario=SCENARIO), grpc.StatusCode.PERMISSION_DENIED)
    missing = fails(stub.ReportFeedback, pb.FeedbackRequest(check_id=str(uuid.uuid4()), all_executed=True), grpc.StatusCode.NOT_FOUND)
    return {"check": denied, "feedback": missing}


def case_concurrent():
    # More calls in flight on the one channel (one HTTP/2 connection) than its 100 streams: the rest wait in the
    # client, and each is answered as a single call is, with its own check id.
    calls = [stub.Check.future(pb.CheckRequest(subject=LISTED if i % 10 == 0 else CLEAN, scenario=SCENARIO), metadata=metadata(), timeout=60)
             for i in range(300)]
    decisions = [c.result() for c in calls]
    outcomes = [d.outcome for d in decisions]
    assert outcomes == ["Denied" if i % 10 == 0 else "Clear" for i in range(300)], outcomes
    assert len({d.check_id for d in decisions}) == 300
    return {"answered": len(decisions), "denied": outcomes.count("Denied")}


def case_catalog():
    catalog = stub.GetCatalog(pb.GetCatalogRequest(), metadata=metadata(), timeout=30)
    assert catalog.version and catalog.lists and catalog.measures and catalog.scenarios and json.loads(catalog.json)["version"] == catalog.version
    assert SCENARIO in [s.code for s in catalog.scenarios]
    return {"version": catalog.version, "measures": len(catalog.measures)}


if __name__ == "__main__":
    result = globals()["case_" + sys.argv[1]]()
    print(json.dumps(result, ensure_ascii=False))
