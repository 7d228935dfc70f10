#!/usr/bin/env python3
"""A small credit platform in Python (grpcio), written from the contract alone
(sdk/CreditCheck.Platform/Protos/platform.proto): proof that a platform team on another stack can
implement it. Stubs are generated at start with grpc_tools into STUBS.

usage: platform_server.py --proto-dir DIR --stubs DIR --catalog FILE --entries FILE --clients FILE
                          [--port 0] [--admin-port 0] [--heartbeat 5] [--query-delay 0] [--when-ahead snapshot|heartbeat]

--entries: a JSON array of Entry objects in the proto's JSON form (subject, subjectKind, listCode, entryId, …).
--clients: [{"client": "…", "secret": "…", "lists": ["…"] or ["*"]}], as the reference platform reads.
Prints "PythonPlatform gRPC: 127.0.0.1:PORT" and "PythonPlatform admin: 127.0.0.1:PORT" when ready.
Admin (HTTP/1.1, loopback): POST /upsert (an Entry, proto JSON), POST /status
({"listCode", "entryId", "status": "ENTRY_STATUS_REPAIRED", "reason"}), POST /remove ({"listCode",
"entryId"}), POST /catalog ({"catalogJson", "announce": true}; false: the platform's catalog at once, no
change yet), GET /state, GET /feedback. Hostile, for tests: POST /query-mode ({"mode": "ok" | "reverse" |
"drop" | "duplicate" | "unasked" | "foreign"}: QueryMany results reversed, the last one dropped, the last
replaced by a copy of the first, the last one's subject replaced by one not asked, the first one given an
entry of another subject), POST /ack-mode ({"mode": "all" | "none"}: ReportFeedback acknowledges every record, or
none of them, storing nothing), POST /push ({"messages": [SyncMessage, proto JSON], "entries": [Entry],
"version": n}: the entries into the platform's state and its version moved, with no change; the messages
sent as they are to every open Sync stream). Versions: the entries as loaded are version 1, each change the
next; the change log is kept whole in memory (no persistence: a test platform), so every start is a
new history (the proto's History: a random id stated in snapshots, changes, heartbeats and GetCatalog).
"""
import argparse
import datetime
import hashlib
import hmac
import json
import os
import queue
import sys
import threading
import time
import uuid
from concurrent import futures
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import grpc
from grpc_tools import protoc

parser = argparse.ArgumentParser()
for name in ("--proto-dir", "--stubs", "--catalog", "--entries", "--clients"):
    parser.add_argument(name, required=True)
parser.add_argument("--port", type=int, default=0)
parser.add_argument("--admin-port", type=int, default=0)
parser.add_argument("--heartbeat", type=float, default=5.0)
parser.add_argument("--query-delay", type=float, default=0.0)  # seconds between computing a query's answer and sending it
# A client ahead of the platform (restarted from an older state): a snapshot, or, as the proto's words
# alone also allow, no change and a heartbeat at the platform's lower version.
parser.add_argument("--when-ahead", choices=("snapshot", "heartbeat"), default="snapshot")
args = parser.parse_args()

if not os.path.exists(os.path.join(args.stubs, "platform_pb2_grpc.py")):
    os.makedirs(args.stubs, exist_ok=True)
    code = protoc.main(["protoc", "-I" + args.proto_dir, "--python_out=" + args.stubs, "--grpc_python_out=" + args.stubs, "platform.proto"])
    assert code == 0, "protoc failed"
sys.path.insert(0, args.stubs)
import platform_pb2 as pb  # noqa: E402
import platform_pb2_grpc as pb_grpc  # noqa: E402
from google.protobuf import json_format  # noqa: E402

SERVICE = "/creditcheck.platform.v1.CreditPlatform/"
HISTORY = uuid.uuid4().hex  # no state survives a restart: each start is a new history
MAX_SKEW_MS = 300_000
CHUNK = 2000
UNASKED = "91110105MA0000001X"  # a subject no test asks for (POST /query-mode unasked, foreign)


def now_text():
    return datetime.datetime.now(datetime.timezone.utc).isoformat()


class State:
    """The lists, one increasing version, the change log (whole) and the subscribers' queues."""

    def __init__(self, catalog_json, entries):
        self.lock = threading.Lock()
        self.catalog_json = catalog_json
        self.version = 1
        self.entries = {}  # (list, entry id) -> pb.Entry
        for e in entries:
            entry = json_format.ParseDict(e, pb.Entry())
            self.entries[(entry.list_code, entry.entry_id)] = entry
        self.log = []
        self.subscribers = set()
        self.feedback = []
        self.keys = set()
        self.query_mode = "ok"
        self.ack_mode = "all"

    def commit(self, change):
        with self.lock:
            change.version = self.version + 1
            change.changed_at = now_text()
            change.history = HISTORY
            kind = change.WhichOneof("operation")
            if kind == "upsert":
                self.entries[(change.upsert.list_code, change.upsert.entry_id)] = change.upsert
            elif kind == "remove":
                self.entries.pop((change.remove.list_code, change.remove.entry_id), None)
            elif kind == "status":
                key = (change.status.entry.list_code, change.status.entry.entry_id)
                entry = pb.Entry()
                entry.CopyFrom(self.entries[key])
                entry.status = change.status.status
                entry.status_reason = change.status.reason
                self.entries[key] = entry
            elif kind == "catalog_json":
                self.catalog_json = change.catalog_json
            self.version = change.version
            self.log.append(change)
            for q in self.subscribers:
                q.put(change)
            return change.version

    def subscribe(self, last_applied, lists):
        """Under one lock: the start (a snapshot or the changes after last_applied) and the live queue."""
        with self.lock:
            q = queue.Queue()
            self.subscribers.add(q)
            if last_applied <= 0 or (last_applied > self.version and args.when_ahead == "snapshot"):
                snapshot = [e for e in self.entries.values() if lists is None or e.list_code in lists]
                return q, self.version, snapshot, []
            return q, self.version, None, [c for c in self.log if c.version > last_applied]


def list_of(change):
    kind = change.WhichOneof("operation")
    if kind == "upsert":
        return change.upsert.list_code
    if kind == "remove":
        return change.remove.list_code
    if kind == "status":
        return change.status.entry.list_code
    return None


class Platform(pb_grpc.CreditPlatformServicer):
    def __init__(self, state, clients, heartbeat):
        self.state = state
        self.clients = clients
        self.heartbeat = heartbeat
        self.nonces = {}
        self.nonce_lock = threading.Lock()
        self.queries = 0

    def authenticate(self, context, method):
        """The per-call credential: client id, timestamp (±300 s), nonce used once, HMAC-SHA256."""
        md = dict(context.invocation_metadata())
        client_id = md.get("x-cc-client", "")
        client = self.clients.get(client_id)
        if client is None:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "unknown client '%s'" % client_id)
        timestamp, nonce, signature = md.get("x-cc-timestamp", ""), md.get("x-cc-nonce", ""), md.get("x-cc-signature", "")
        if not timestamp.isdigit() or abs(int(time.time() * 1000) - int(timestamp)) > MAX_SKEW_MS:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "x-cc-timestamp is missing or too far from the platform's clock")
        payload = "\n".join([client_id, SERVICE + method, timestamp, nonce]).encode("utf-8")
        expected = hmac.new(client["secret"].encode("utf-8"), payload, hashlib.sha256).hexdigest()
        if not nonce or not hmac.compare_digest(expected, signature):
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "x-cc-signature does not match the client's secret")
        with self.nonce_lock:
            if (client_id, nonce) in self.nonces:
                context.abort(grpc.StatusCode.UNAUTHENTICATED, "x-cc-nonce was used before (a replayed call)")
            self.nonces[(client_id, nonce)] = time.time()
        return client

    def lists_for(self, context, client, requested):
        entitled = client["lists"]
        asked = set(l for l in requested if l)
        if not asked:
            return None if "*" in entitled else set(entitled)
        if "*" not in entitled:
            for name in sorted(asked):
                if name not in entitled:
                    context.abort(grpc.StatusCode.PERMISSION_DENIED, "client '%s' is not entitled to list '%s'" % (client["client"], name))
        return asked

    def snapshot_messages(self, version, entries, lists):
        codes = sorted(lists) if lists is not None else sorted(set(l["code"] for l in json.loads(self.state.catalog_json).get("lists", [])) | set(e.list_code for e in entries))
        begin = pb.SnapshotBegin(version=version, history=HISTORY, catalog_json=self.state.catalog_json, lists=codes, total_entries=len(entries))
        yield pb.SyncMessage(snapshot_begin=begin)
        by_list = {}
        for e in entries:
            by_list.setdefault(e.list_code, []).append(e)
        for code in sorted(by_list):
            items = by_list[code]
            for i in range(0, len(items), CHUNK):
                yield pb.SyncMessage(snapshot_chunk=pb.SnapshotChunk(list_code=code, entries=items[i:i + CHUNK]))
        yield pb.SyncMessage(snapshot_end=pb.SnapshotEnd(version=version))

    def Sync(self, request, context):
        client = self.authenticate(context, "Sync")
        lists = self.lists_for(context, client, request.lists)
        q, version, snapshot, backlog = self.state.subscribe(request.last_applied_version, lists)
        try:
            if snapshot is not None:
                yield from self.snapshot_messages(version, snapshot, lists)
            for change in backlog:
                if lists is None or list_of(change) is None or list_of(change) in lists:
                    yield pb.SyncMessage(change=change)
            seen = version
            yield pb.SyncMessage(heartbeat=pb.Heartbeat(version=seen, history=HISTORY, sent_at=now_text()))
            while context.is_active():
                try:
                    change = q.get(timeout=self.heartbeat)
                except queue.Empty:
                    yield pb.SyncMessage(heartbeat=pb.Heartbeat(version=seen, history=HISTORY, sent_at=now_text()))
                    continue
                if isinstance(change, pb.SyncMessage):
                    # Pushed by a test as it is (POST /push): later heartbeats say the highest version it named.
                    kind = change.WhichOneof("kind")
                    if kind in ("change", "heartbeat"):
                        seen = max(seen, getattr(change, kind).version)
                    yield change
                    continue
                seen = change.version
                if lists is None or list_of(change) is None or list_of(change) in lists:
                    yield pb.SyncMessage(change=change)
        finally:
            with self.state.lock:
                self.state.subscribers.discard(q)

    def FetchSnapshot(self, request, context):
        client = self.authenticate(context, "FetchSnapshot")
        lists = self.lists_for(context, client, request.lists)
        with self.state.lock:
            version = self.state.version
            entries = [e for e in self.state.entries.values() if lists is None or e.list_code in lists]
        yield from self.snapshot_messages(version, entries, lists)

    def GetCatalog(self, request, context):
        client = self.authenticate(context, "GetCatalog")
        # The lists a Sync without lists carries: the client's entitlement (empty: every list).
        entitled = [] if "*" in client["lists"] else sorted(set(client["lists"]))
        return pb.GetCatalogResponse(version=self.state.version, catalog_json=self.state.catalog_json, history=HISTORY, lists=entitled)

    def answer(self, context, client, query):
        lists = self.lists_for(context, client, query.lists)
        with self.state.lock:
            self.queries += 1
            entries = [e for e in self.state.entries.values() if e.subject == query.subject and (lists is None or e.list_code in lists)]
            answer = pb.QueryResponse(request_id="PY-%d-%d" % (int(time.time()), self.queries), version=self.state.version, subject=query.subject, entries=entries)
        if args.query_delay > 0:
            time.sleep(args.query_delay)  # the answer was made before any change committed meanwhile
        return answer

    def Query(self, request, context):
        return self.answer(context, self.authenticate(context, "Query"), request)

    def QueryMany(self, request, context):
        client = self.authenticate(context, "QueryMany")
        results = [self.answer(context, client, q) for q in request.queries]
        mode = self.state.query_mode
        if mode == "reverse":
            results.reverse()
        elif mode == "drop":
            results.pop()
        elif mode == "duplicate":
            results[-1] = results[0]
        elif mode == "unasked":
            results[-1].subject = UNASKED
        elif mode == "foreign":
            stray = pb.Entry()
            stray.CopyFrom(next(iter(self.state.entries.values())))
            stray.subject = UNASKED
            results[0].entries.append(stray)
        return pb.QueryManyResponse(results=results)

    def ReportFeedback(self, request, context):
        client = self.authenticate(context, "ReportFeedback")
        acks = []
        with self.state.lock:
            for record in request.records:
                if not record.idempotency_key:
                    acks.append(pb.FeedbackAck(status=pb.FeedbackAck.STATUS_REJECTED, message="idempotency_key is empty"))
                elif record.idempotency_key in self.state.keys:
                    acks.append(pb.FeedbackAck(idempotency_key=record.idempotency_key, status=pb.FeedbackAck.STATUS_DUPLICATE))
                elif self.state.ack_mode == "none":
                    continue  # stored by no one and acknowledged by no one: the record stays pending with the sender
                else:
                    self.state.keys.add(record.idempotency_key)
                    self.state.feedback.append({"client": client["client"], "record": json_format.MessageToDict(record)})
                    acks.append(pb.FeedbackAck(idempotency_key=record.idempotency_key, status=pb.FeedbackAck.STATUS_ACCEPTED))
        return pb.ReportFeedbackResponse(acks=acks)


def admin_handler(state):
    class Admin(BaseHTTPRequestHandler):
        def log_message(self, *_):
            pass

        def reply(self, body, code=200):
            data = json.dumps(body).encode("utf-8")
            self.send_response(code)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/state":
                self.reply({"version": state.version, "entries": len(state.entries), "subscribers": len(state.subscribers)})
            elif self.path == "/feedback":
                self.reply(state.feedback)
            else:
                self.reply({"error": "not found"}, 404)

        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers.get("content-length", "0"))) or b"{}")
            if self.path == "/upsert":
                entry = json_format.ParseDict(body, pb.Entry())
                old = state.entries.get((entry.list_code, entry.entry_id))
                if old is not None and old.subject != entry.subject:
                    # An entry id re-used for another subject: the old subject's entry is removed first (the proto's rule).
                    state.commit(pb.Change(remove=pb.EntryKey(subject=old.subject, subject_kind=old.subject_kind, list_code=old.list_code, entry_id=old.entry_id)))
                version = state.commit(pb.Change(upsert=entry))
            elif self.path in ("/status", "/remove"):
                entry = state.entries.get((body["listCode"], body["entryId"]))
                if entry is None:
                    return self.reply({"error": "no such entry"}, 404)
                key = pb.EntryKey(subject=entry.subject, subject_kind=entry.subject_kind, list_code=entry.list_code, entry_id=entry.entry_id)
                if self.path == "/status":
                    status = pb.EntryStatus.Value(body["status"])
                    version = state.commit(pb.Change(status=pb.StatusChange(entry=key, status=status, reason=body.get("reason", ""))))
                else:
                    version = state.commit(pb.Change(remove=key))
            elif self.path == "/query-mode":
                state.query_mode = body["mode"]
                version = state.version
            elif self.path == "/ack-mode":
                state.ack_mode = body["mode"]
                version = state.version
            elif self.path == "/push":
                with state.lock:
                    for e in body.get("entries", []):
                        entry = json_format.ParseDict(e, pb.Entry())
                        state.entries[(entry.list_code, entry.entry_id)] = entry
                    state.version = max(state.version, body.get("version", 0))
                    for m in body.get("messages", []):
                        message = json_format.ParseDict(m, pb.SyncMessage())
                        for q in state.subscribers:
                            q.put(message)
                    version = state.version
            elif self.path == "/catalog":
                # announce false: the catalog is the platform's at once (GetCatalog, snapshots), but no change
                # says so yet, as on a platform whose changes run ahead of their catalog change.
                if body.get("announce", True):
                    version = state.commit(pb.Change(catalog_json=body["catalogJson"]))
                else:
                    with state.lock:
                        state.catalog_json = body["catalogJson"]
                        version = state.version
            else:
                return self.reply({"error": "not found"}, 404)
            self.reply({"version": version})

    return Admin


def main():
    with open(args.catalog, encoding="utf-8") as f:
        catalog_json = f.read()
    with open(args.entries, encoding="utf-8") as f:
        entries = json.load(f)
    with open(args.clients, encoding="utf-8") as f:
        clients = {c["client"]: c for c in json.load(f)}
    state = State(catalog_json, entries)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=32), options=[
        ("grpc.max_send_message_length", 64 * 1024 * 1024), ("grpc.max_receive_message_length", 64 * 1024 * 1024)])
    pb_grpc.add_CreditPlatformServicer_to_server(Platform(state, clients, args.heartbeat), server)
    port = server.add_insecure_port("127.0.0.1:%d" % args.port)
    server.start()
    admin = ThreadingHTTPServer(("127.0.0.1", args.admin_port), admin_handler(state))
    threading.Thread(target=admin.serve_forever, daemon=True).start()
    print("PythonPlatform gRPC: 127.0.0.1:%d" % port, flush=True)
    print("PythonPlatform admin: 127.0.0.1:%d" % admin.server_address[1], flush=True)
    server.wait_for_termination()


if __name__ == "__main__":
    main()
