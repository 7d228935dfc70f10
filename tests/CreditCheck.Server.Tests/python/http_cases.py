#!/usr/bin/env python3
"""The HTTP/JSON API driven as a Python system would, with `requests` (Debian python3-requests).

usage: http_cases.py CASE   with BASE_URL (http://127.0.0.1:PORT) and KEY (a client key, or empty) in the
environment; OTHER_KEY names a second client where a case needs one. Each case asserts what the API
promises and prints one JSON object with what it saw; the exit code is 0 only when every assertion held.
"""
import datetime
import json
import os
import sys
import uuid

import requests

BASE = os.environ["BASE_URL"].rstrip("/")
KEY = os.environ.get("KEY", "")
OTHER_KEY = os.environ.get("OTHER_KEY", "")
LISTED = os.environ.get("LISTED", "320102197207067646")     # 失信被执行人 in samples/data
CLEAN = os.environ.get("CLEAN", "91350100M000100Y43")
SCENARIO = "procurement.bid"


def headers(key=None):
    key = KEY if key is None else key
    return {"Authorization": f"Bearer {key}"} if key else {}


def post(path, body, key=None, **kwargs):
    return requests.post(BASE + path, json=body, headers=headers(key), timeout=30, **kwargs)


def problem(response, status, code, field=None):
    assert response.status_code == status, (response.status_code, response.text)
    assert response.headers["Content-Type"].startswith("application/problem+json"), response.headers
    body = response.json()
    assert body["status"] == status and body["type"] == "urn:creditcheck:problem:" + code, body
    assert body["title"] and body["titleZh"] and body["detail"] and body["detailZh"], body
    if field is not None:
        assert body["errors"][0]["field"] == field, body
        assert body["errors"][0]["problem"] and body["errors"][0]["problemZh"], body
    return body


def check(subject, scenario=SCENARIO, key=None, **extra):
    response = post("/v1/checks", {"subject": subject, "scenario": scenario, **extra}, key)
    assert response.status_code == 200, (response.status_code, response.text)
    assert response.headers["Content-Type"].startswith("application/json")
    return response.json()


def case_listed():
    d = check(LISTED, transactionReference="CG-2026-118", operator="李四")
    assert d["outcome"] == "Denied", d
    applied = {m["code"]: m for m in d["appliedMeasures"]}
    assert "procurement-refusal" in applied, d
    refusal = applied["procurement-refusal"]
    assert refusal["legalBasis"] and refusal["name"] and refusal["kind"] == "Restriction" and refusal["effect"] == "Deny", refusal
    assert refusal["triggeredBy"][0]["list"] == "court-dishonest-debtors", refusal
    assert d["matchedEntries"][0]["state"] == "InForce", d
    assert d["matchedEntries"][0]["listedOn"] and d["matchedEntries"][0]["listedInOwnRight"] is None, d
    assert "失信" in d["explanation"] and d["explanationEnglish"], d
    # A legal representative affected only through the enterprise's entry: Clear here, and the entry says why.
    related = check("330106195906204898")
    entry = related["matchedEntries"][0]
    assert entry["relatedRole"] == "LegalRepresentative" and entry["listedInOwnRight"] is False, related
    assert d["subject"] != LISTED and "*" in d["subject"], "the subject is masked"
    uuid.UUID(d["checkId"])
    return {"outcome": d["outcome"], "measures": sorted(applied), "department": d["department"], "path": d["path"],
            "transactionReference": d["transactionReference"], "catalogVersion": d["catalogVersion"], "checkId": d["checkId"]}


def case_clean():
    d = check(CLEAN, kind="entity")
    assert d["outcome"] == "Clear" and d["appliedMeasures"] == [] and d["matchedEntries"] == [], d
    assert d["isDegraded"] is False and d["degradedReason"] is None, d
    return {"outcome": d["outcome"], "path": d["path"], "department": d["department"], "listsNotHeld": d["listsNotHeld"],
            "explanation": d["explanation"]}


def case_clean_not_covered():
    """A server started with CreditCheck:OnListsNotHeld=Review, on a namespace lacking lists that act here."""
    d = check(CLEAN, kind="entity")
    assert d["outcome"] == "Review" and d["appliedMeasures"] == [] and d["matchedEntries"] == [], d
    assert d["isDegraded"] is True and "Policy ListsNotHeld=Review applied" in d["degradedReason"], d
    return {"outcome": d["outcome"], "path": d["path"], "listsNotHeld": d["listsNotHeld"],
            "degradedReason": d["degradedReason"], "explanation": d["explanation"]}


def case_batch():
    checks = [{"subject": LISTED, "scenario": SCENARIO}, {"subject": CLEAN, "scenario": "licensing"},
              {"subject": LISTED, "scenario": "licensing.commitment", "transactionReference": "XK-1"}]
    response = post("/v1/checks:batch", {"checks": checks})
    assert response.status_code == 200, response.text
    decisions = response.json()["decisions"]
    assert len(decisions) == 3, decisions
    assert [d["scenario"] for d in decisions] == [c["scenario"] for c in checks], "decisions in request order"
    assert decisions[0]["outcome"] == "Denied", decisions
    # A clean applicant in licensing: no entry, and the facilitation every subject in good standing gets.
    assert decisions[1]["outcome"] == "Benefit" and decisions[1]["matchedEntries"] == [], decisions[1]
    assert "commitment-approval" in [m["code"] for m in decisions[1]["appliedMeasures"]], decisions[1]
    assert decisions[2]["transactionReference"] == "XK-1"
    # Found from outside: only the first bad item was named; every one is now, in one answer.
    bad = problem(post("/v1/checks:batch", {"checks": [{"subject": "9135O", "scenario": SCENARIO}, checks[0],
                                                      {"subject": "91350211MA2XYZ1234", "scenario": SCENARIO},
                                                      {"subject": CLEAN, "scenario": "procurement.bad!"}]}), 400, "invalid-field")
    assert [e["field"] for e in bad["errors"]] == ["checks[0].subject", "checks[2].subject", "checks[3].scenario"], bad
    same = problem(post("/v1/checks:batch", {"checks": [{"subject": "9135O", "scenario": SCENARIO}, {"subject": "1", "scenario": SCENARIO}]}),
                   400, "invalid-subject")
    assert [e["field"] for e in same["errors"]] == ["checks[0].subject", "checks[1].subject"], same
    # an empty batch is answered with no decisions (documented)
    empty = post("/v1/checks:batch", {"checks": []})
    assert empty.status_code == 200 and empty.json() == {"decisions": []}, empty.text
    return {"outcomes": [d["outcome"] for d in decisions], "checkIds": [d["checkId"] for d in decisions]}


def case_feedback():
    d = check(LISTED, transactionReference="CG-2026-200")
    response = post("/v1/feedback", {"checkId": d["checkId"], "district": "440300", "itemCode": "ZFCG-01", "itemName": "政府采购投标",
                                      "measures": [{"measure": "procurement-refusal", "result": "Executed", "outcome": "不予受理"}]})
    assert response.status_code == 202, response.text
    answer = response.json()
    assert answer["checkId"] == d["checkId"] and answer["recordKeys"] == [uuid.UUID(d["checkId"]).hex + ":procurement-refusal"], answer
    clean = check(CLEAN)
    nothing = post("/v1/feedback", {"checkId": clean["checkId"]})
    assert nothing.status_code == 202 and nothing.json()["recordKeys"] == [uuid.UUID(clean["checkId"]).hex + ":-"], nothing.text
    return {"checkId": d["checkId"], "recordKeys": answer["recordKeys"], "cleanCheckId": clean["checkId"]}


def case_feedback_elsewhere():
    """Two instances on one namespace, as behind a load balancer: a check made through BASE_URL is reported through
    OTHER_URL, which relays the report to the instance that made the check and gives its answer (it was 404
    unknown-check: a decision is kept only where it was made)."""
    other = os.environ["OTHER_URL"].rstrip("/")

    def report(body, key=None):
        return requests.post(other + "/v1/feedback", json=body, headers=headers(key), timeout=30)

    d = check(LISTED, transactionReference="CG-2026-300")
    first = report({"checkId": d["checkId"], "measures": [{"measure": "procurement-refusal", "result": "Executed", "outcome": "不予受理"}]})
    assert first.status_code == 202, first.text
    keys = first.json()["recordKeys"]
    assert keys == [uuid.UUID(d["checkId"]).hex + ":procurement-refusal"] and first.json()["repeats"] == [], first.text
    # Reported again through the other instance, with another result: the first report is what is kept.
    again = report({"checkId": d["checkId"], "measures": [{"measure": "procurement-refusal", "result": "NotExecuted", "reason": "重复报送"}]})
    assert again.status_code == 202 and again.json()["repeats"][0]["result"] == "Executed", again.text
    # Checked against the decision as the instance that made it checks: a measure it did not apply is refused, named.
    wrong = problem(report({"checkId": d["checkId"], "measures": [{"measure": "green-channel", "result": "Executed"}]}), 400, "invalid-field", "measures[0].measure")
    assert "green-channel" in wrong["errors"][0]["problem"], wrong
    # Another client finds no one's check through either instance, as on one instance.
    if OTHER_KEY:
        problem(report({"checkId": d["checkId"], "allExecuted": True}, OTHER_KEY), 404, "unknown-check", "checkId")
    # A check id no instance made: 404 once no instance claims it (within about a second).
    started = datetime.datetime.now()
    problem(report({"checkId": str(uuid.uuid4()), "allExecuted": True}), 404, "unknown-check", "checkId")
    unknown_seconds = (datetime.datetime.now() - started).total_seconds()
    assert unknown_seconds < 5, unknown_seconds
    return {"checkId": d["checkId"], "recordKeys": keys, "unknownSeconds": unknown_seconds}


def case_check_listed():
    return {"checkId": check(LISTED)["checkId"]}


def case_feedback_elsewhere_maker_stalled():
    """The instance that made CHECK_ID is stopped (SIGSTOP): a report through OTHER_URL is 503 with Retry-After, not a
    final 404 (found from outside: 404 after 1 s, and the stalled instance stored the report once it ran again)."""
    other = os.environ["OTHER_URL"].rstrip("/")
    response = requests.post(other + "/v1/feedback", json={"checkId": os.environ["CHECK_ID"], "allExecuted": True}, headers=headers(), timeout=60)
    body = problem(response, 503, "unavailable", "checkId")
    assert response.headers.get("Retry-After") == "5", response.headers
    assert "report it again" in body["errors"][0]["problem"] and "请重新报送" in body["errors"][0]["problemZh"], body
    return {"problem": body["errors"][0]["problem"]}


def case_feedback_elsewhere_again():
    other = os.environ["OTHER_URL"].rstrip("/")
    response = requests.post(other + "/v1/feedback", json={"checkId": os.environ["CHECK_ID"], "allExecuted": True}, headers=headers(), timeout=60)
    assert response.status_code == 202, response.text
    return response.json()


def case_feedback_elsewhere_without_relay():
    """Two instances whose Redis user may not use the relay channel: a report through the other instance is the
    404 it was before the relay, and through the instance that made the check it is taken."""
    other = os.environ["OTHER_URL"].rstrip("/")
    d = check(LISTED)
    elsewhere = requests.post(other + "/v1/feedback", json={"checkId": d["checkId"], "allExecuted": True}, headers=headers(), timeout=30)
    problem(elsewhere, 404, "unknown-check", "checkId")
    here = post("/v1/feedback", {"checkId": d["checkId"], "allExecuted": True})
    assert here.status_code == 202, here.text
    return {"checkId": d["checkId"], "recordKeys": here.json()["recordKeys"]}


def case_feedback_store_down():
    """Run once the store (Redis) is down, on a server without a journal: a report is refused 503 `unavailable`, saying
    in both languages why and what to do, and nothing of the service's inside. Found from outside: the English title
    carried StackExchange.Redis's whole diagnostic text (the Redis address and port, the namespace's key, thread-pool
    counters) while the Chinese said only 服务暂时无法处理."""
    d = check(LISTED)      # answered under the unavailable policy: still a decision to report on
    response = post("/v1/feedback", {"checkId": d["checkId"], "allExecuted": True})
    answer = problem(response, 503, "unavailable")
    assert response.headers.get("Retry-After") == "5", response.headers  # for a client's retry policy
    text = json.dumps(answer, ensure_ascii=False)
    for inside in ["127.0.0.1", "Redis", "cc:{", "XADD", "IOCP", "Exception", os.environ.get("REDIS_PORT", "127.0.0.1")]:
        assert inside not in text, (inside, answer)
    assert "report it again" in answer["detail"] and "重新报送" in answer["detailZh"], answer
    assert "did not take" in answer["detail"] and "未能" in answer["detailZh"], answer
    return {"detail": answer["detail"], "detailZh": answer["detailZh"]}

def case_feedback_repeat():
    # A measure reported again with another result: 202 with the record kept, marked as a repeat (found by review:
    # the repeat was answered as if recorded).
    d = check(LISTED)
    first = post("/v1/feedback", {"checkId": d["checkId"], "measures": [{"measure": "procurement-refusal", "result": "Executed"}]})
    assert first.status_code == 202 and first.json()["repeats"] == [], first.text
    again = post("/v1/feedback", {"checkId": d["checkId"], "measures": [{"measure": "procurement-refusal", "result": "NotExecuted", "reason": "改判"}]})
    assert again.status_code == 202, again.text
    assert again.json()["recordKeys"] == first.json()["recordKeys"], again.text
    return {"repeats": again.json()["repeats"], "recordKeys": first.json()["recordKeys"]}


def case_text_too_long():
    # Found from outside: these were kept whole with each decision for a day, whatever their size.
    body = problem(post("/v1/checks", {"subject": CLEAN, "scenario": SCENARIO, "transactionReference": "X" * 1001}), 400, "invalid-field", "transactionReference")
    assert "1001 characters" in body["errors"][0]["problem"] and "1001 个字符" in body["errors"][0]["problemZh"], body
    batch = problem(post("/v1/checks:batch", {"checks": [{"subject": CLEAN, "scenario": SCENARIO}, {"subject": CLEAN, "scenario": SCENARIO, "operator": "张" * 1001}]}),
                    400, "invalid-field", "checks[1].operator")
    assert check(CLEAN, kind="entity", transactionReference="X" * 1000)["outcome"] == "Clear"
    # Found from outside: a NUL in operator was kept with the decision, and the feedback report defaulting to it refused.
    nul = problem(post("/v1/checks", {"subject": CLEAN, "scenario": SCENARIO, "operator": "张三\u0000"}), 400, "invalid-field", "operator")["errors"][0]
    assert "U+0000 at position 3" in nul["problem"] and "第 3 个字符是控制字符（U+0000）" in nul["problemZh"], nul
    problem(post("/v1/checks", {"subject": CLEAN, "scenario": SCENARIO, "department": "市财政局\r\n"}), 400, "invalid-field", "department")
    # And in a feedback report: a single-line text refused, a reason's line breaks kept.
    listed = check(LISTED)
    bad = problem(post("/v1/feedback", {"checkId": listed["checkId"], "allExecuted": True, "district": "\u001b[2J500103"}), 400, "invalid-field", "district")
    assert "U+001B at position 1" in bad["errors"][0]["problem"], bad
    ok = post("/v1/feedback", {"checkId": listed["checkId"], "measures": [{"measure": "procurement-refusal", "result": "NotExecuted", "reason": "1. 已撤回；\n2. 无需执行"}]})
    assert ok.status_code == 202, ok.text
    return {"field": batch["errors"][0]["field"]}


def case_invalid_subject():
    body = problem(post("/v1/checks", {"subject": "91500103MA7K2I7734", "scenario": SCENARIO}), 400, "invalid-subject", "subject")
    assert "position 14" in body["errors"][0]["problem"] and "第14位" in body["errors"][0]["problemZh"], body
    person = problem(post("/v1/checks", {"subject": "320102197207067645", "kind": "person", "scenario": SCENARIO}), 400, "invalid-subject", "subject")
    assert "check character" in person["errors"][0]["problem"] and "校验码" in person["errors"][0]["problemZh"], person
    # Found from outside: a 统一社会信用代码 of digits with a wrong check character was reported as an ID card's error.
    typo = problem(post("/v1/checks", {"subject": "91110108589192868C", "scenario": SCENARIO}), 400, "invalid-subject", "subject")
    assert "统一社会信用代码" in typo["errors"][0]["problem"] and "require 'B'" in typo["errors"][0]["problem"], typo
    # Found from outside: a person's number with a birth-month typo (no kind) was answered only with the 统一社会信用代码
    # check character that would make it valid, which named another subject. Both readings now, the person's first.
    month = problem(post("/v1/checks", {"subject": "320102197217067646", "scenario": SCENARIO}), 400, "invalid-subject", "subject")["errors"][0]
    zh, en = month["problemZh"], month["problem"]
    assert "出生日期 '19721706' 不是有效日期" in zh and "校验码是 '6'" in zh and zh.index("作为自然人") < zh.index("作为法人"), month
    assert "birth date '19721706'" in en and "As a person" in en and "As a legal entity" in en, month
    as_person = problem(post("/v1/checks", {"subject": "320102197217067646", "kind": "person", "scenario": SCENARIO}), 400, "invalid-subject", "subject")
    assert "统一社会信用代码" not in as_person["errors"][0]["problemZh"], as_person
    return {"problem": body["errors"][0]["problem"], "problemZh": body["errors"][0]["problemZh"], "typoZh": typo["errors"][0]["problemZh"],
            "monthTypoZh": zh}


def case_missing_field():
    body = problem(post("/v1/checks", {"scenario": SCENARIO}), 400, "invalid-field", "subject")
    problem(post("/v1/checks", {"subject": CLEAN}), 400, "invalid-field", "scenario")
    problem(post("/v1/checks", {"subject": CLEAN, "scenario": SCENARIO, "kind": "company"}), 400, "invalid-field", "kind")
    return {"problemZh": body["errors"][0]["problemZh"]}


def case_unknown_scenario():
    body = problem(post("/v1/checks", {"subject": CLEAN, "scenario": "casino.licence"}), 400, "unknown-scenario", "scenario")
    batch = problem(post("/v1/checks:batch", {"checks": [{"subject": CLEAN, "scenario": SCENARIO}, {"subject": CLEAN, "scenario": "nope"}]}),
                    400, "unknown-scenario", "checks[1].scenario")
    # an undeclared sub-code of a declared scenario is not unknown: the nearest ancestor answers
    d = check(CLEAN, scenario="procurement.bid.opening")
    assert d["resolvedScenario"] == "procurement.bid", d
    # a slip of a declared code is refused naming it, not read as its ancestor (found from outside: Clear for a listed subject)
    slip = problem(post("/v1/checks", {"subject": CLEAN, "scenario": "procurement.bdi"}), 400, "unknown-scenario", "scenario")
    assert "did you mean 'procurement.bid'?" in slip["errors"][0]["problem"], slip
    assert "是否应为“procurement.bid”" in slip["errors"][0]["problemZh"], slip
    # a code that is not written as one is refused, not read as its ancestor (found from outside)
    for malformed in ("procurement..bid", "procurement.", "procurement.*"):
        problem(post("/v1/checks", {"subject": CLEAN, "scenario": malformed}), 400, "unknown-scenario", "scenario")
    # ... and says what is wrong with it, not "nor is any ancestor" beside a list naming 'procurement' (found from outside)
    for malformed, english, chinese in (
            ("procurement.Bid", "the letter 'B' at position 13 is upper case", "第 13 个字符“B”是大写字母"),
            ("procurement..bid", "its level 2 is empty", "第 2 级为空"),
            ("procurement.bid\u200b", "the character U+200B at position 16 cannot be part of a code", "第 16 个字符（U+200B）不能用于场景代码")):
        found = problem(post("/v1/checks", {"subject": CLEAN, "scenario": malformed}), 400, "unknown-scenario", "scenario")["errors"][0]
        assert english in found["problem"] and "is not a scenario code" in found["problem"], found
        assert chinese in found["problemZh"] and "nor is any ancestor" not in found["problem"], found
    # a code of 160,000 levels kept a core busy for 75 s (found from outside): refused by its length before its levels
    # are walked (20,000 here, within the test service's 64 KiB body limit)
    huge = "procurement.bid." + ".".join(["x"] * 20000)
    long_code = problem(post("/v1/checks", {"subject": CLEAN, "scenario": huge}), 400, "unknown-scenario", "scenario")["errors"][0]
    assert "it has 40015 characters" in long_code["problem"] and "at most 128 characters" in long_code["problem"], long_code
    problem(post("/v1/checks:batch", {"checks": [{"subject": CLEAN, "scenario": huge}]}), 400, "unknown-scenario", "checks[0].scenario")
    return {"problem": body["errors"][0]["problem"], "batchField": batch["errors"][0]["field"]}


def case_batch_too_large():
    limit = int(os.environ.get("MAX_BATCH", "50"))
    body = problem(post("/v1/checks:batch", {"checks": [{"subject": CLEAN, "scenario": SCENARIO}] * (limit + 1)}), 400, "batch-too-large", "checks")
    ok = post("/v1/checks:batch", {"checks": [{"subject": CLEAN, "scenario": SCENARIO}] * limit})
    assert ok.status_code == 200 and len(ok.json()["decisions"]) == limit, ok.text
    return {"problem": body["errors"][0]["problem"]}


def case_unknown_check():
    missing = str(uuid.uuid4())
    body = problem(post("/v1/feedback", {"checkId": missing, "allExecuted": True}), 404, "unknown-check", "checkId")
    return {"problem": body["errors"][0]["problem"]}


def case_bad_feedback():
    d = check(LISTED)
    body = problem(post("/v1/feedback", {"checkId": d["checkId"], "measures": [{"measure": "green-channel", "result": "Executed"}]}),
                   400, "invalid-field", "measures[0].measure")
    assert "未适用措施" in body["errors"][0]["problemZh"] and "green-channel" in body["errors"][0]["problem"], body
    problem(post("/v1/feedback", {"checkId": d["checkId"], "measures": [{"measure": "procurement-refusal", "result": "NotExecuted"}]}),
            400, "invalid-field", "measures[0].reason")
    # Found from outside: these were named 'measures', and problemZh was a Chinese prefix before the English text.
    future = problem(post("/v1/feedback", {"checkId": d["checkId"], "allExecuted": True, "executedAt": "2099-01-01T00:00:00+08:00"}),
                     400, "invalid-field", "executedAt")
    assert "执行时间" in future["errors"][0]["problemZh"] and "ExecutedAt" not in future["errors"][0]["problemZh"], future
    problem(post("/v1/feedback", {"checkId": d["checkId"], "measures": [{"measure": "procurement-refusal", "result": "Executed", "amount": -5}]}),
            400, "invalid-field", "measures[0].amount")
    problem(post("/v1/feedback", {"checkId": d["checkId"], "measures": [{"measure": "procurement-refusal", "result": "Maybe"}]}),
            400, "invalid-field", "measures[0].result")
    # an amount is a number or a string of one (a BigDecimal written as text), never "1,200"
    as_text = post("/v1/feedback", {"checkId": check(LISTED)["checkId"], "measures": [{"measure": "procurement-refusal", "result": "Executed", "amount": "1200.50"}]})
    assert as_text.status_code == 202, (as_text.status_code, as_text.text)
    problem(post("/v1/feedback", {"checkId": d["checkId"], "measures": [{"measure": "procurement-refusal", "result": "Executed", "amount": "1,200"}]}),
            400, "invalid-field", "measures[0].amount")
    # Found from outside: a time without an offset (Java's LocalDateTime) was read as the server's local time (UTC
    # here), so a report made now in China was refused as 8 hours in the future. It is China Standard Time now.
    china_now = datetime.datetime.now(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y-%m-%dT%H:%M:%S")
    local = post("/v1/feedback", {"checkId": check(LISTED)["checkId"], "allExecuted": True, "executedAt": china_now})
    assert local.status_code == 202, (local.status_code, local.text)
    # ... and a time before the check is refused, not counted in a period before it.
    early = problem(post("/v1/feedback", {"checkId": d["checkId"], "allExecuted": True, "executedAt": "2020-01-01T00:00:00Z"}),
                    400, "invalid-field", "executedAt")
    assert "before the check was made" in early["errors"][0]["problem"] and "早于核查时间" in early["errors"][0]["problemZh"], early
    # Found from outside: a wire client was told to call AllExecuted(), a .NET method.
    empty = problem(post("/v1/feedback", {"checkId": d["checkId"]}), 400, "invalid-field", "measures")
    assert '"allExecuted": true' in empty["errors"][0]["problem"], empty
    return {"problem": body["errors"][0]["problem"]}


def case_malformed_json():
    response = requests.post(BASE + "/v1/checks", data='{"subject": "9135', headers={**headers(), "Content-Type": "application/json"}, timeout=30)
    body = problem(response, 400, "invalid-json")
    typed = problem(post("/v1/checks", {"subject": 12, "scenario": SCENARIO}), 400, "invalid-json", "subject")
    # no .NET type names in what a caller reads (found from outside: "System.Nullable`1[System.Guid]")
    # a value that is not a UUID or a time is a bad field, invalid-field as over gRPC (found from outside: invalid-json here)
    uuid_typed = problem(post("/v1/feedback", {"checkId": "nope", "allExecuted": True}), 400, "invalid-field", "checkId")
    assert "System." not in json.dumps(uuid_typed) and "CreditCheck." not in json.dumps(uuid_typed), uuid_typed
    assert "not a UUID" in uuid_typed["errors"][0]["problem"], uuid_typed
    # found from outside: a bad time was "not of the type the API expects"; gRPC already said RFC 3339
    when = problem(post("/v1/feedback", {"checkId": "0f8fad5b-d9cb-469f-a165-70867728950e", "allExecuted": True, "executedAt": "yesterday"}),
                   400, "invalid-field", "executedAt")
    assert "RFC 3339" in when["errors"][0]["problem"] and "RFC 3339" in when["errors"][0]["problemZh"], when
    missing = problem(requests.get(BASE + "/v1/nothing-here", headers=headers(), timeout=30), 404, "not-found", "path")
    assert "/v1/checks" in missing["errors"][0]["problem"], missing
    media = problem(requests.post(BASE + "/v1/checks", data="subject=1", headers={**headers(), "Content-Type": "application/x-www-form-urlencoded"}, timeout=30),
                    415, "unsupported-media-type", "Content-Type")
    # Found from outside: the last of two "subject" keys was checked; a GBK body was called broken JSON, and a
    # Content-Type such as application/jsonx was taken as JSON.
    twice = problem(requests.post(BASE + "/v1/checks", data=('{"subject":"%s","subject":"%s","scenario":"%s"}' % (LISTED, CLEAN, SCENARIO)).encode("utf-8"),
                                  headers={**headers(), "Content-Type": "application/json"}, timeout=30), 400, "invalid-json")
    assert "subject" in twice["detail"], twice
    gbk = problem(requests.post(BASE + "/v1/checks", data=('{"subject":"%s","scenario":"%s","operator":"李四"}' % (CLEAN, SCENARIO)).encode("gbk"),
                                headers={**headers(), "Content-Type": "application/json; charset=gbk"}, timeout=30), 415, "unsupported-media-type", "Content-Type")
    assert "UTF-8" in gbk["detail"], gbk
    # GBK bytes sent as UTF-8 JSON (no charset): named as not UTF-8, not as a value of the wrong type
    raw = problem(requests.post(BASE + "/v1/checks", data=('{"subject":"%s","scenario":"%s","operator":"李四"}' % (CLEAN, SCENARIO)).encode("gbk"),
                                headers={**headers(), "Content-Type": "application/json"}, timeout=30), 400, "invalid-json", "operator")
    assert "UTF-8" in raw["errors"][0]["problem"] and "UTF-8" in raw["errors"][0]["problemZh"], raw
    jsonx = problem(requests.post(BASE + "/v1/checks", data='{}', headers={**headers(), "Content-Type": "application/jsonx"}, timeout=30),
                    415, "unsupported-media-type", "Content-Type")
    utf8 = requests.post(BASE + "/v1/checks", data=('{"subject":"%s","scenario":"%s"}' % (CLEAN, SCENARIO)).encode("utf-8"),
                         headers={**headers(), "Content-Type": "application/json; charset=UTF-8"}, timeout=30)
    assert utf8.status_code == 200, utf8.text
    # text after the body's JSON is said as such in both languages (found from outside: the Chinese said the body ended early)
    trailing = problem(requests.post(BASE + "/v1/checks", data=('{"subject":"%s","scenario":"%s"} xyz' % (CLEAN, SCENARIO)).encode("utf-8"),
                                     headers={**headers(), "Content-Type": "application/json"}, timeout=30), 400, "invalid-json")
    assert "多余的内容" in trailing["errors"][0]["problemZh"] and "提前结束" not in trailing["errors"][0]["problemZh"], trailing
    assert "after a single JSON value" in trailing["errors"][0]["problem"], trailing
    # half a surrogate pair is said as such, not as a value of the wrong type (found from outside)
    lone = problem(requests.post(BASE + "/v1/checks", data=('{"subject":"%s","scenario":"%s","operator":"\\ud800"}' % (CLEAN, SCENARIO)).encode("utf-8"),
                                 headers={**headers(), "Content-Type": "application/json"}, timeout=30), 400, "invalid-json", "operator")
    assert "surrogate" in lone["errors"][0]["problem"] and "代理项" in lone["errors"][0]["problemZh"], lone
    return {"detail": body["detail"], "typedField": typed["errors"][0]["field"], "media": media["code"], "twice": twice["detail"], "gbk": gbk["code"], "jsonx": jsonx["code"]}


def case_quoted_charset():
    """RFC 9110 §5.6.6: a parameter value may be quoted, and charset="utf-8" is charset=utf-8. Found from outside: it was
    refused 415 'is not application/json in UTF-8' (some HTTP stacks and gateways write the charset quoted)."""
    seen = {}
    for content_type in ['application/json; charset="utf-8"', 'application/json;charset="UTF-8"', "application/json; charset=\"utf8\""]:
        response = requests.post(BASE + "/v1/checks", data=('{"subject":"%s","scenario":"%s","operator":"李四"}' % (LISTED, SCENARIO)).encode("utf-8"),
                                 headers={**headers(), "Content-Type": content_type}, timeout=30)
        assert response.status_code == 200, (content_type, response.status_code, response.text)
        assert response.json()["operator"] == "李四", response.text
        seen[content_type] = response.json()["outcome"]
    # a quoted charset that is not UTF-8 is still refused by name
    gbk = problem(requests.post(BASE + "/v1/checks", data=b"{}", headers={**headers(), "Content-Type": 'application/json; charset="gbk"'}, timeout=30),
                  415, "unsupported-media-type", "Content-Type")
    return {"outcomes": seen, "gbk": gbk["code"]}

def case_path_letter_case():
    """Routes match in any letter case (ASP.NET Core routing), so the key must be asked for in any letter case too.
    Found from outside: GET /V1/catalog without a key answered 200 with the catalog, and POST /V1/checks without a
    key an empty 500 — the key was asked for only on paths starting with exactly "/v1/"."""
    catalog = problem(requests.get(BASE + "/V1/catalog", timeout=30), 401, "missing-key")
    for path in ["/V1/checks", "/v1/Checks", "/V1/CHECKS:BATCH", "/V1/feedback"]:
        problem(requests.post(BASE + path, json={"subject": LISTED, "scenario": SCENARIO}, timeout=30), 401, "missing-key")
    wrong = problem(requests.get(BASE + "/V1/catalog", headers=headers("not-a-key"), timeout=30), 401, "unknown-key")
    # with the key, the same paths are served as their lower-case forms
    d = requests.post(BASE + "/V1/Checks", json={"subject": LISTED, "scenario": SCENARIO}, headers=headers(), timeout=30)
    assert d.status_code == 200 and d.json()["outcome"] == "Denied", d.text
    listed = requests.get(BASE + "/V1/CATALOG", headers=headers(), timeout=30)
    assert listed.status_code == 200 and listed.json()["version"], listed.text
    # health and the document stay open, in any letter case
    for path in ["/healthz", "/READYZ", "/openapi/v1.json"]:
        assert requests.get(BASE + path, timeout=30).status_code == 200, path
    return {"catalog": catalog["code"], "wrong": wrong["code"], "outcome": d.json()["outcome"]}

def case_too_large():
    limit = int(os.environ.get("MAX_BODY", "65536"))
    body = problem(post("/v1/checks", {"subject": CLEAN, "scenario": SCENARIO, "operator": "x" * (limit + 10)}), 413, "body-too-large", "body")
    return {"detail": body["detail"]}


def case_unknown_field():
    """Found from outside: a misspelt field was ignored silently (200 with transactionReference null, 202 with
    executedAt now). Refused now, naming the field and the one it probably means."""
    body = problem(post("/v1/checks", {"subject": CLEAN, "scenario": SCENARIO, "transaction_reference": "CG-1"}), 400, "invalid-json", "transaction_reference")
    e = body["errors"][0]
    assert "未知字段“transaction_reference”" in e["problemZh"] and "（是否应为 transactionReference？）" in e["problemZh"], e
    assert "unknown field 'transaction_reference'" in e["problem"] and "did you mean transactionReference?" in e["problem"], e
    batch = problem(post("/v1/checks:batch", {"checks": [{"subject": CLEAN, "scenario": SCENARIO}, {"subject": CLEAN, "scenario": SCENARIO, "dept": "x"}]}),
                    400, "invalid-json", "checks[1].dept")
    assert "是否应为" not in batch["errors"][0]["problemZh"], batch    # nothing close to suggest
    d = check(LISTED)
    feedback = problem(post("/v1/feedback", {"checkId": d["checkId"], "allExecuted": True, "executed_at": "2026-01-01T00:00:00+08:00"}),
                       400, "invalid-json", "executed_at")
    assert "是否应为 executedAt" in feedback["errors"][0]["problemZh"], feedback
    measure = problem(post("/v1/feedback", {"checkId": d["checkId"], "measures": [{"measure": "procurement-refusal", "result": "Executed", "effective_from": "2026-01-01"}]}),
                      400, "invalid-json", "measures[0].effective_from")
    assert "effectiveFrom" in measure["errors"][0]["problem"], measure
    # the names as documented still work, in any case (as before)
    assert check(CLEAN, transactionReference="CG-1")["transactionReference"] == "CG-1"
    return {"problemZh": e["problemZh"], "problem": e["problem"], "feedbackField": feedback["errors"][0]["field"]}


def case_json_texts():
    """Found from outside: problemZh was always "JSON格式不正确。" without a position, and problem leaked .NET internals
    ("deserialization of type 'CreditCheck.Server.CheckBody'", "Change the reader options.")."""
    def raw(text):
        return requests.post(BASE + "/v1/checks", data=text.encode("utf-8"), headers={**headers(), "Content-Type": "application/json"}, timeout=30)

    seen = {}
    cases = {
        "cut": ('{"subject": "9135', "line 1", "第1行"),
        "trailing_comma": ('{\n  "subject": "%s",\n  "scenario": "%s",\n}' % (CLEAN, SCENARIO), "line 4", "第4行"),
        "comment": ('{"subject": "%s", /* x */ "scenario": "%s"}' % (CLEAN, SCENARIO), "line 1", "第1行"),
        "twice": ('{"subject":"%s",\n"subject":"%s","scenario":"%s"}' % (LISTED, CLEAN, SCENARIO), "line 2", "第2行"),
        "array": ('[{"subject": "%s"}]' % CLEAN, "line 1", "第1行"),
    }
    for name, (text, line, line_zh) in cases.items():
        body = problem(raw(text), 400, "invalid-json")
        dumped = json.dumps(body, ensure_ascii=False)
        for leak in ("System.", "CreditCheck.", "reader options", "deserialization of type", "LineNumber", "BytePositionInLine"):
            assert leak not in dumped, (name, leak, body)
        e = body["errors"][0]
        assert line in e["problem"] and line_zh in e["problemZh"], (name, body)
        assert e["problemZh"] != "JSON格式不正确。" and any("\u4e00" <= c <= "\u9fff" for c in e["problemZh"]), (name, body)
        seen[name] = {"field": e["field"], "problem": e["problem"], "problemZh": e["problemZh"]}
    assert seen["twice"]["field"] == "subject" and "两次" in seen["twice"]["problemZh"], seen
    assert "逗号" in seen["trailing_comma"]["problemZh"] and "注释" in seen["comment"]["problemZh"], seen
    return seen


def case_batch_many_bad():
    """On a server taking batches over 100: found from outside, a batch with more bad checks than the 100 problems an
    answer names read as if those were all; the answer now ends with the total."""
    many = problem(post("/v1/checks:batch", {"checks": [{"subject": "9135O%03d" % i, "scenario": SCENARIO} for i in range(150)]
                                                        + [{"subject": CLEAN, "scenario": SCENARIO}]}), 400, "invalid-subject")
    assert len(many["errors"]) == 101 and many["errors"][99]["field"] == "checks[99].subject", many["errors"][-2:]
    assert many["errors"][100]["field"] == "checks" and "150 of the 151 checks" in many["errors"][100]["problem"], many["errors"][100]
    assert "共 150 条不合规" in many["errors"][100]["problemZh"], many["errors"][100]
    few = problem(post("/v1/checks:batch", {"checks": [{"subject": "9135O", "scenario": SCENARIO}, {"subject": CLEAN, "scenario": SCENARIO}]}), 400, "invalid-subject")
    assert [e["field"] for e in few["errors"]] == ["checks[0].subject"], few
    return {"total": many["errors"][100]["problem"], "named": len(many["errors"]) - 1}


def case_unknown_key():
    unknown = problem(post("/v1/checks", {"subject": CLEAN, "scenario": SCENARIO}, key="not-a-key"), 401, "unknown-key")
    missing = problem(post("/v1/checks", {"subject": CLEAN, "scenario": SCENARIO}, key=""), 401, "missing-key")
    catalog = requests.get(BASE + "/v1/catalog", timeout=30)
    assert catalog.status_code == 401, catalog.status_code
    # Found from outside: Basic authentication (a client library's default) was answered as if no header had been
    # sent. The answer names the scheme, and never repeats what followed it.
    basic = problem(requests.post(BASE + "/v1/checks", json={"subject": CLEAN, "scenario": SCENARIO}, auth=("procurement", "s3cret-pass"), timeout=30),
                    401, "missing-key", "Authorization")
    assert "Basic" in basic["errors"][0]["problem"] and "Bearer" in basic["errors"][0]["problem"], basic
    assert "Basic" in basic["errors"][0]["problemZh"], basic
    bare = problem(requests.post(BASE + "/v1/checks", json={"subject": CLEAN, "scenario": SCENARIO}, headers={"Authorization": KEY or "some-key"}, timeout=30),
                   401, "missing-key", "Authorization")
    for answer in (basic, bare):
        text = json.dumps(answer)
        assert "s3cret" not in text and "cHJvY3VyZW1lbnQ6czNjcmV0LXBhc3M" not in text and (not KEY or KEY not in text), answer
    return {"unknown": unknown["titleZh"], "missing": missing["titleZh"], "basic": basic["errors"][0]["problem"], "bare": bare["errors"][0]["problem"]}


def case_feedback_only():
    body = problem(post("/v1/checks", {"subject": CLEAN, "scenario": SCENARIO}), 403, "scope")
    problem(post("/v1/checks:batch", {"checks": [{"subject": CLEAN, "scenario": SCENARIO}]}), 403, "scope")
    # a check another client made is not this client's to report on
    other = check(LISTED, key=OTHER_KEY)
    problem(post("/v1/feedback", {"checkId": other["checkId"], "allExecuted": True}), 404, "unknown-check", "checkId")
    return {"titleZh": body["titleZh"]}


def case_scenario_limited():
    body = problem(post("/v1/checks", {"subject": CLEAN, "scenario": SCENARIO}), 403, "scenario-not-allowed", "scenario")
    d = check(CLEAN, scenario="bidding.qualification")
    return {"allowed": d["outcome"], "problem": body["errors"][0]["problem"]}


def case_rate_limited():
    statuses = [post("/v1/checks", {"subject": CLEAN, "scenario": SCENARIO}).status_code for _ in range(8)]
    assert 200 in statuses and 429 in statuses, statuses
    limited = post("/v1/checks", {"subject": CLEAN, "scenario": SCENARIO})
    while limited.status_code != 429:
        limited = post("/v1/checks", {"subject": CLEAN, "scenario": SCENARIO})
    problem(limited, 429, "rate-limited")
    assert limited.headers.get("Retry-After") == "1"
    return {"statuses": statuses}


def case_catalog():
    response = requests.get(BASE + "/v1/catalog", headers=headers(), timeout=30)
    assert response.status_code == 200, response.text
    catalog = response.json()
    assert catalog["version"] and catalog["lists"] and catalog["measures"] and catalog["scenarios"], list(catalog)
    codes = [s["code"] for s in catalog["scenarios"]]
    assert SCENARIO in codes
    return {"version": catalog["version"], "measures": len(catalog["measures"]), "scenarios": len(codes)}


def case_health_and_openapi():
    alive = requests.get(BASE + "/healthz", timeout=30)
    ready = requests.get(BASE + "/readyz", timeout=30)
    assert alive.status_code == 200 and ready.status_code == 200, (alive.text, ready.text)
    assert ready.json()["status"] == "Healthy", ready.text
    document = requests.get(BASE + "/openapi/v1.json", timeout=30).json()
    paths = sorted(document["paths"])
    for path in ["/v1/checks", "/v1/checks:batch", "/v1/feedback", "/v1/catalog", "/healthz", "/readyz"]:
        assert path in paths, paths
    # found from outside: the probes were not in the document; they are open (no key), unlike the API
    for path in ["/healthz", "/readyz"]:
        assert document["paths"][path]["get"]["security"] == [], document["paths"][path]
    assert "503" in document["paths"]["/readyz"]["get"]["responses"], document["paths"]["/readyz"]
    return {"ready": ready.json()["status"], "paths": paths, "openapi": document["openapi"]}


def case_openapi_contract():
    """Found from outside: the document's errors were plain ProblemDetails (no code, titleZh, detailZh, errors), some
    statuses the service gives were missing, and nothing said which values outcome, kind … take, which fields a request
    needs, or what /v1/catalog answers."""
    doc = requests.get(BASE + "/openapi/v1.json", timeout=30).json()
    schemas = doc["components"]["schemas"]

    def resolve(schema):
        while "$ref" in schema:
            schema = schemas[schema["$ref"].split("/")[-1]]
        return schema

    def prop(schema, name):
        return resolve(resolve(schema)["properties"][name])

    statuses = {("/v1/checks", "post"): ["200", "400", "401", "403", "413", "415", "429"],
                ("/v1/checks:batch", "post"): ["200", "400", "401", "403", "413", "415", "429"],
                ("/v1/feedback", "post"): ["202", "400", "401", "403", "404", "413", "415", "429", "503"],
                ("/v1/catalog", "get"): ["200", "401", "403", "429", "503"]}
    real = problem(post("/v1/checks", {"subject": "9135O", "scenario": SCENARIO}), 400, "invalid-subject", "subject")
    problem_fields = None
    for (path, method), codes in statuses.items():
        responses = doc["paths"][path][method]["responses"]
        assert sorted(responses) == codes, (path, sorted(responses))
        for code in codes:
            if code[0] in "45":
                content = responses[code]["content"]
                assert list(content) == ["application/problem+json"], (path, code, content)
                shape = resolve(content["application/problem+json"]["schema"])
                problem_fields = sorted(shape["properties"])
                assert problem_fields == sorted(real), (path, code, problem_fields, sorted(real))   # the real answer's members
                assert sorted(shape["required"]) == sorted(real), shape
                assert "invalid-json" in prop(shape, "code")["enum"] and "rate-limited" in prop(shape, "code")["enum"], shape
                errors = resolve(prop(shape, "errors")["items"])
                assert sorted(errors["properties"]) == ["field", "problem", "problemZh"] == sorted(errors["required"]), errors
    assert "ProblemDetails" not in schemas, sorted(schemas)

    def body(path):
        return resolve(doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"])

    check_body, batch_body, feedback_body = body("/v1/checks"), body("/v1/checks:batch"), body("/v1/feedback")
    assert sorted(check_body["required"]) == ["scenario", "subject"], check_body
    assert sorted(batch_body["required"]) == ["checks"] and sorted(resolve(prop(batch_body, "checks")["items"])["required"]) == ["scenario", "subject"], batch_body
    assert sorted(feedback_body["required"]) == ["checkId"], feedback_body
    measure_feedback = resolve(prop(feedback_body, "measures")["items"])
    assert sorted(measure_feedback["required"]) == ["measure", "result"], measure_feedback
    # a request's unknown field is refused, and says so; integers answered are integers, not integer-or-string (found
    # on re-read: Java generators typed sequence and status Object); an amount may be a number or a string of one
    for request in (check_body, batch_body, resolve(prop(batch_body, "checks")["items"]), feedback_body, measure_feedback):
        assert request.get("additionalProperties") is False, request
    assert prop(measure_feedback, "amount")["type"] == ["null", "number", "string"], prop(measure_feedback, "amount")
    decision = resolve(doc["paths"]["/v1/checks"]["post"]["responses"]["200"]["content"]["application/json"]["schema"])
    assert prop(decision, "sequence")["type"] == "integer" and prop(resolve(schemas["ApiProblem"]), "status")["type"] == "integer", schemas["ApiProblem"]
    enums = {
        "kind": [v for v in prop(check_body, "kind")["enum"] if v is not None],
        "result": [v for v in prop(measure_feedback, "result")["enum"] if v is not None],
        "outcome": prop(decision, "outcome")["enum"],
        "subjectKind": prop(decision, "subjectKind")["enum"],
        "path": prop(decision, "path")["enum"],
        "measureKind": prop(resolve(prop(decision, "appliedMeasures")["items"]), "kind")["enum"],
        "state": prop(resolve(prop(decision, "matchedEntries")["items"]), "state")["enum"],
    }
    assert enums["kind"] == ["entity", "person"] and enums["result"] == ["Executed", "NotExecuted", "Overridden"], enums
    # every answer the service gives is within what it declares
    d = check(LISTED)
    assert d["outcome"] in enums["outcome"] and d["subjectKind"] in enums["subjectKind"] and d["path"] in enums["path"], d
    assert all(m["kind"] in enums["measureKind"] for m in d["appliedMeasures"]) and all(e["state"] in enums["state"] for e in d["matchedEntries"]), d
    catalog = doc["paths"]["/v1/catalog"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert {"version", "lists", "measures", "scenarios"} <= set(catalog["required"]) and catalog["type"] == "object", catalog
    return {"enums": enums, "problemFields": problem_fields, "catalogRequired": sorted(catalog["required"])}


def case_openapi_java():
    """What a Java team generating a client (openapi-generator, swagger-codegen) needs beyond case_openapi_contract.
    Found from outside: no security scheme (the generated client had no way to send the key, so every call was a 401
    the document did not explain); the request bodies were inline schemas, so the generator made one class for a
    single check's body and another for a batch item; ratings and listsNotHeld, always sent, were not required (an
    Optional/nullable field in Java); and amount was format double (a Double for money)."""
    doc = requests.get(BASE + "/openapi/v1.json", timeout=30).json()
    schemas = doc["components"]["schemas"]
    schemes = doc["components"].get("securitySchemes", {})
    bearer = [name for name, s in schemes.items() if s.get("type") == "http" and s.get("scheme", "").lower() == "bearer"]
    assert bearer, schemes
    required_schemes = [name for requirement in doc.get("security", []) for name in requirement]
    for path, methods in doc["paths"].items():
        for method, operation in methods.items():
            names = required_schemes + [name for requirement in operation.get("security", []) for name in requirement]
            assert bearer[0] in names, (path, method, operation.get("security"), doc.get("security"))

    def body_ref(path):
        schema = doc["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        assert "$ref" in schema, (path, schema)
        return schema["$ref"].split("/")[-1]

    check_body, batch_body, feedback_body = body_ref("/v1/checks"), body_ref("/v1/checks:batch"), body_ref("/v1/feedback")
    items = schemas[batch_body]["properties"]["checks"]["items"]
    assert items.get("$ref", "").split("/")[-1] == check_body, items      # one class for a check, alone or in a batch
    measure = schemas[feedback_body]["properties"]["measures"]["items"]
    assert "$ref" in measure, measure
    measure_body = schemas[measure["$ref"].split("/")[-1]]
    assert sorted(schemas[check_body]["required"]) == ["scenario", "subject"] and sorted(measure_body["required"]) == ["measure", "result"]
    assert schemas[check_body]["additionalProperties"] is False and measure_body["additionalProperties"] is False
    decision = schemas["DecisionBody"]
    assert {"ratings", "listsNotHeld"} <= set(decision["required"]), decision["required"]
    amount = measure_body["properties"]["amount"]
    assert amount.get("format") != "double", amount
    # the real answer has every member the schema requires
    d = check(LISTED)
    assert set(decision["required"]) <= set(d), sorted(set(decision["required"]) - set(d))
    return {"bearer": bearer[0], "bodies": [check_body, batch_body, feedback_body], "amount": amount}

def case_loopback_no_key():
    d = check(LISTED, key="")
    return {"outcome": d["outcome"], "department": d["department"]}


def case_evicted():
    """On a server keeping 2 decisions: the oldest of 3 is gone with the problem an unknown check id gets; the
    newer two (a clean check with good-standing measures, and a listed subject's) are reported on as before."""
    gone = check(CLEAN)
    benefit = check(CLEAN, scenario="licensing", transactionReference="XK-7", operator="王五")
    listed = check(LISTED)
    evicted = problem(post("/v1/feedback", {"checkId": gone["checkId"], "allExecuted": True}), 404, "unknown-check", "checkId")
    never = str(uuid.uuid4())
    unknown = problem(post("/v1/feedback", {"checkId": never, "allExecuted": True}), 404, "unknown-check", "checkId")
    assert json.dumps(evicted) == json.dumps(unknown).replace(never, gone["checkId"]), (evicted, unknown)
    measures = sorted(m["code"] for m in benefit["appliedMeasures"])
    assert benefit["matchedEntries"] == [] and measures, benefit
    answer = post("/v1/feedback", {"checkId": benefit["checkId"], "allExecuted": True})
    assert answer.status_code == 202, answer.text
    assert sorted(answer.json()["recordKeys"]) == [uuid.UUID(benefit["checkId"]).hex + ":" + m for m in measures], answer.text
    wrong = problem(post("/v1/feedback", {"checkId": benefit["checkId"], "measures": [{"measure": "procurement-refusal", "result": "Executed"}]}),
                    400, "invalid-field", "measures[0].measure")
    assert all(m in wrong["errors"][0]["problem"] for m in measures), wrong
    reported = post("/v1/feedback", {"checkId": listed["checkId"], "allExecuted": True})
    assert reported.status_code == 202, reported.text
    return {"evicted": evicted["errors"][0]["problem"], "benefitKeys": answer.json()["recordKeys"], "listedKeys": reported.json()["recordKeys"]}


def case_feedback_stream():
    """Check then report in a loop from THREADS threads until the service goes away (it is killed mid-stream),
    at most MAX_REPORTS reports or SECONDS seconds; prints every record key that was acknowledged (202)."""
    import threading
    import time
    threads, limit, seconds = int(os.environ.get("THREADS", "8")), int(os.environ.get("MAX_REPORTS", "20000")), float(os.environ.get("SECONDS", "30"))
    deadline = time.monotonic() + seconds
    acknowledged, refused, lock = [], [], threading.Lock()

    def run(n):
        session = requests.Session()
        session.headers.update(headers())
        i = 0
        while time.monotonic() < deadline:
            with lock:
                if len(acknowledged) + len(refused) >= limit:
                    return
            i += 1
            try:
                listed = i % 10 == 0
                d = session.post(BASE + "/v1/checks", json={"subject": LISTED if listed else CLEAN, "scenario": SCENARIO,
                                                            "transactionReference": f"KILL-{n}-{i}"}, timeout=30)
                if d.status_code != 200:
                    continue
                d = d.json()
                body = {"checkId": d["checkId"], "allExecuted": True} if d["appliedMeasures"] else {"checkId": d["checkId"]}
                r = session.post(BASE + "/v1/feedback", json=body, timeout=30)
            except requests.exceptions.RequestException:
                return      # the service is gone
            with lock:
                if r.status_code == 202:
                    acknowledged.extend(r.json()["recordKeys"])
                else:
                    refused.append(r.status_code)

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(seconds + 60)
    return {"acknowledged": acknowledged, "refused": len(refused), "refusedStatus": sorted(set(refused))}


if __name__ == "__main__":
    result = globals()["case_" + sys.argv[1]]()
    print(json.dumps(result, ensure_ascii=False))
