#!/usr/bin/python3
"""report_check.py - checks on dnstunnel-scan output for tests/cli_report.sh.

    report_check.py doc SCHEMA_DIR FILE        the JSON document
    report_check.py ndjson SCHEMA_DIR FILE     an --ndjson stream
    report_check.py stix STIX_SCHEMA_DIR FILE [TLP [clients]]  a STIX 2.1 bundle ('-' for no schemas)
    report_check.py same-set DOC RPZ STIX      RPZ and STIX cover the reported findings
    report_check.py recipe N DOC OUTPUT        what README jq recipe N must print
    report_check.py readme-recipes README      print the README's jq recipes, one a line

Exits 0 when the check passes; prints why and exits 1 when it does not.
Written independently of the C code: it reads the output as a consumer would.
"""
import json
import os
import re
import sys

from jsonschema import Draft202012Validator, FormatChecker

try:  # python3-jsonschema >= 4.18
    from referencing import Registry, Resource
except ImportError:  # Debian 12's 4.10: RefResolver
    Registry = None
    from jsonschema import RefResolver


def fail(msg):
    print("report_check: " + msg, file=sys.stderr)
    sys.exit(1)


def load_bytes_json(path):
    raw = open(path, "rb").read()
    try:
        text = raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError as e:
        fail(f"{path}: not valid UTF-8: {e}")
    return text


def schemas_in(folder):
    """Every schema in folder (recursively), keyed by $id and by file URI,
    so that relative $refs resolve offline."""
    store = {}
    for root, _, files in os.walk(folder):
        for name in files:
            if not name.endswith(".json"):
                continue
            path = os.path.join(root, name)
            with open(path) as f:
                schema = json.load(f)
            if "$id" in schema:
                store[schema["$id"]] = schema
            store["file://" + os.path.abspath(path)] = schema
    return store


def make_validator(schema, store):
    Draft202012Validator.check_schema(schema)
    if Registry is not None:
        reg = Registry().with_resources(
            (uri, Resource.from_contents(s)) for uri, s in store.items())
        return Draft202012Validator(schema, registry=reg, format_checker=FormatChecker())
    resolver = RefResolver(base_uri=schema.get("$id", ""), referrer=schema, store=store)
    return Draft202012Validator(schema, resolver=resolver, format_checker=FormatChecker())


def validator(schema_dir, name):
    with open(os.path.join(schema_dir, name)) as f:
        schema = json.load(f)
    return make_validator(schema, schemas_in(schema_dir))


def check(v, obj, what):
    errors = sorted(v.iter_errors(obj), key=lambda e: list(e.absolute_path))
    if errors:
        e = errors[0]
        fail(f"{what}: {e.message} at {'/'.join(map(str, e.absolute_path))} "
             f"({len(errors)} error(s))")


def check_finding_semantics(f, what):
    if f["first_seen"] > f["last_seen"]:
        fail(f"{what}: first_seen after last_seen")
    ids = [t["id"] for t in f["mitre_attack"]]
    if ids[:2] != ["T1071.004", "T1572"]:
        fail(f"{what}: mitre_attack starts {ids}")
    ips = {c["ip"] for c in f["clients"]}
    quarantined = {m["target"] for m in f["mitigations"] if m["action"] == "quarantine"}
    if not ips:
        ips = {f["domain"]}  # no client seen: the hosts resolving the domain
    if ips != quarantined:
        fail(f"{what}: quarantine targets {sorted(quarantined)} != clients {sorted(ips)}")
    for m in f["mitigations"]:
        if m["action"] == "block" and "--rpz" not in m["text"]:
            fail(f"{what}: block mitigation does not point at --rpz")
        if m["action"] == "report" and "--stix" not in m["text"]:
            fail(f"{what}: report mitigation does not point at --stix")
    if sum(c["queries"] for c in f["clients"]) > f["queries"]:
        fail(f"{what}: clients' queries exceed the finding's")
    # timelines: the rows add up to the totals of the finding and of each client
    for o, name in [(f, "finding")] + [(c, "client " + c["ip"]) for c in f["clients"]]:
        rows = o["timeline"]["buckets"]
        sums = [sum(r[k] for r in rows) for k in (1, 2, 3)]
        if rows and sums != [o["queries"], o["bytes_out"], o["bytes_in"]]:
            fail(f"{what}: {name}'s timeline rows add up to {sums}, not its totals")


def check_sorted(findings, what):
    scores = [f["score"] for f in findings]
    if scores != sorted(scores, reverse=True):
        fail(f"{what}: findings not sorted by score: {scores}")


PACKET_CLASSES = ("udp_dns", "tcp_dns", "ip_fragments", "truncated_packets", "non_dns_packets",
                  "unsupported_packets", "filtered_packets", "duplicate_packets")


def check_stats(st, what):
    """The documented identities: every packet in exactly one class."""
    classes = sum(st.get(k, 0) for k in PACKET_CLASSES)
    if classes != st["packets"]:
        fail(f"{what}: stats.packets {st['packets']} != the sum of the packet classes {classes}")
    if st["dns_queries"] + st["dns_responses"] != st["dns_messages"]:
        fail(f"{what}: dns_queries + dns_responses != dns_messages")


def check_inputs(inputs, what):
    """duplicate_of names an earlier input that is not itself a copy."""
    firsts = set()
    for i, x in enumerate(inputs):
        d = x.get("duplicate_of")
        if d is not None and d not in firsts:
            fail(f"{what}: inputs[{i}].duplicate_of {d!r} is not an earlier first input")
        if d is None:
            firsts.add(x["path"])


def cmd_doc(schema_dir, path):
    text = load_bytes_json(path)
    try:
        doc = json.loads(text)
    except ValueError as e:
        fail(f"{path}: not JSON: {e}")
    check(validator(schema_dir, "report.schema.json"), doc, path)
    check_sorted(doc["findings"], path)
    check_stats(doc["stats"], path)
    check_inputs(doc["inputs"], path)
    for i, f in enumerate(doc["findings"]):
        check_finding_semantics(f, f"{path}: findings[{i}]")
        for p in f["inputs"]:
            if p not in {x["path"] for x in doc["inputs"]}:
                fail(f"{path}: findings[{i}] names input {p!r} not in inputs")


def cmd_ndjson(schema_dir, path):
    text = load_bytes_json(path)
    v = validator(schema_dir, "ndjson.schema.json")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    if not lines:
        fail(f"{path}: no lines")
    types = []
    findings = []
    for n, line in enumerate(lines, 1):
        try:
            obj = json.loads(line)
        except ValueError as e:
            fail(f"{path}:{n}: not JSON: {e}")
        check(v, obj, f"{path}:{n}")
        types.append(obj["type"])
        if obj["type"] == "finding":
            check_finding_semantics(obj, f"{path}:{n}")
            findings.append(obj)
        elif obj["type"] == "summary":
            check_stats(obj["stats"], f"{path}:{n}")
    if types[-1] != "summary" or types.count("summary") != 1:
        fail(f"{path}: the summary must be the last line, once: {types}")
    # inputs first (as they finish), then findings
    seen_finding = False
    for t in types[:-1]:
        if t == "finding":
            seen_finding = True
        elif seen_finding:
            fail(f"{path}: an input line after a finding line")
    check_sorted(findings, path)


TLP_IDS = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber+strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP_EXT = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"


def cmd_stix(schema_dir, path, quiet=False, tlp="amber", clients="no-clients"):
    """A bundle of: the TLP 2.0 marking `tlp` marking every other object but
    the identity; one identity; per domain an indicator, a domain-name, an
    observed-data and a sighting of the indicator pointing at it; client
    addresses (ipv4-addr/ipv6-addr, or in any text) only with 'clients'."""
    bundle = json.loads(load_bytes_json(path))
    if bundle.get("type") != "bundle" or not str(bundle.get("id", "")).startswith("bundle--"):
        fail(f"{path}: not a bundle")
    objs = bundle.get("objects")
    if not isinstance(objs, list) or not objs:
        fail(f"{path}: no objects")
    uuid_re = re.compile(r"^[a-z][a-z0-9-]+--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
    ts_re = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
    identities = [o for o in objs if o.get("type") == "identity"]
    if len(identities) != 1:
        fail(f"{path}: expected one identity")
    markings = [o for o in objs if o.get("type") == "marking-definition"]
    if len(markings) != 1 or markings[0]["id"] != TLP_IDS[tlp] or \
            markings[0].get("extensions", {}).get(TLP_EXT, {}).get("tlp_2_0") != tlp:
        fail(f"{path}: want one TLP 2.0 marking {tlp}, got {markings}")
    sdo = ["type", "spec_version", "id", "created", "modified"]
    required = {
        "identity": sdo + ["name"],
        "marking-definition": ["type", "spec_version", "id", "created", "name", "extensions"],
        "indicator": sdo + ["pattern", "pattern_type", "valid_from", "name", "description",
                            "indicator_types", "labels", "kill_chain_phases",
                            "external_references", "created_by_ref"],
        "observed-data": sdo + ["first_observed", "last_observed", "number_observed", "object_refs"],
        "sighting": sdo + ["first_seen", "last_seen", "count", "sighting_of_ref", "observed_data_refs"],
        "domain-name": ["type", "spec_version", "id", "value"],
        "ipv4-addr": ["type", "spec_version", "id", "value"],
        "ipv6-addr": ["type", "spec_version", "id", "value"],
    }
    byid = {o.get("id"): o for o in objs}
    domains = set()
    for o in objs:
        t = o.get("type")
        if t not in required:
            fail(f"{path}: unexpected object type {t}")
        if t in ("ipv4-addr", "ipv6-addr") and clients != "clients":
            fail(f"{path}: client address {o['value']} without --stix-clients")
        for k in required[t]:
            if k not in o:
                fail(f"{path}: {o.get('id')}: missing {k}")
        if t != "marking-definition" and (not uuid_re.match(o["id"]) or not o["id"].startswith(t + "--")):
            fail(f"{path}: id {o['id']} is not a UUIDv5 {t} id")
        for k in ("created", "modified", "valid_from", "first_seen", "last_seen",
                  "first_observed", "last_observed"):
            if k in o and not ts_re.match(o[k]):
                fail(f"{path}: {o['id']}: {k} {o[k]!r}")
        if "modified" in o and o["modified"] < o["created"]:
            fail(f"{path}: {o['id']}: modified before created")
        if o["spec_version"] != "2.1":
            fail(f"{path}: spec_version")
        if t not in ("identity", "marking-definition") and o.get("object_marking_refs") != [TLP_IDS[tlp]]:
            fail(f"{path}: {o['id']}: object_marking_refs {o.get('object_marking_refs')}")
        if t == "indicator":
            m = re.match(r"^\[domain-name:value = '((?:[^'\\]|\\.)*)'\]$", o["pattern"])
            if not m or o["pattern_type"] != "stix":
                fail(f"{path}: pattern {o['pattern']!r}")
            d = re.sub(r"\\(.)", r"\1", m.group(1))
            if d in domains:
                fail(f"{path}: two indicators for {d}")
            domains.add(d)
            if o["created_by_ref"] != identities[0]["id"]:
                fail(f"{path}: created_by_ref")
            if "malicious-activity" not in o["indicator_types"]:
                fail(f"{path}: indicator_types")
            ext = {r.get("external_id") for r in o["external_references"]}
            if not {"T1071.004", "T1572"} <= ext:
                fail(f"{path}: external_references {ext}")
            if not o["description"].strip():
                fail(f"{path}: empty description")
            if o["valid_from"] != o["created"]:
                fail(f"{path}: valid_from {o['valid_from']} is not the time of the scan {o['created']}")
            sg = [x for x in objs if x.get("type") == "sighting" and x.get("sighting_of_ref") == o["id"]]
            if len(sg) != 1:
                fail(f"{path}: {len(sg)} sightings of {o['id']}")
            od = byid.get(sg[0]["observed_data_refs"][0])
            if not od or od["type"] != "observed-data" or od["number_observed"] != sg[0]["count"] or \
                    od["first_observed"] != sg[0]["first_seen"] or od["last_observed"] != sg[0]["last_seen"]:
                fail(f"{path}: sighting {sg[0]['id']} and its observed-data disagree")
            dn = [byid.get(r) for r in od["object_refs"]]
            if not any(x and x["type"] == "domain-name" and x["value"] == d for x in dn):
                fail(f"{path}: observed-data {od['id']} does not name {d}")
    if clients != "clients":
        text = json.dumps(bundle)
        if re.search(r"\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b", text):
            fail(f"{path}: an IPv4 address in the bundle without --stix-clients")
    if schema_dir != "-" and os.path.isdir(schema_dir):
        store = schemas_in(schema_dir)
        base = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"

        def v_for(rel):
            return make_validator(store[base + rel], store)

        where = {"sighting": "sros/", "marking-definition": "common/", "domain-name": "observables/",
                 "ipv4-addr": "observables/", "ipv6-addr": "observables/"}
        check(v_for("common/bundle.json"), bundle, f"{path} (bundle.json)")
        for o in objs:
            rel = where.get(o["type"], "sdos/") + o["type"] + ".json"
            check(v_for(rel), o, f"{path}: {o['id']} ({rel})")
        print(f"stix: {len(objs)} objects valid against the STIX 2.1 schemas")
    else:
        if not quiet:
            print("stix: STIX 2.1 schemas absent; required properties checked only")
    return domains


def reported(doc):
    """Findings that count: what the exit status, RPZ and STIX cover."""
    return {f["domain"] for f in doc["findings"] if not f.get("allowlisted")}


def cmd_same_set(doc_path, rpz_path, stix_path):
    doc = json.load(open(doc_path))
    want = reported(doc)
    got, wild = set(), set()
    for line in open(rpz_path):
        if line.startswith(";") or line.startswith("$") or line.startswith("@"):
            continue
        owner, _, rtype, target = line.rstrip("\n").split("\t")
        if rtype != "CNAME" or target != ".":
            fail(f"{rpz_path}: unexpected record {line!r}")
        name = re.sub(r"\\(\d{3})", lambda m: chr(int(m.group(1))), owner)
        if name.startswith("*."):
            wild.add(name[2:])
        else:
            got.add(name)
    if got != wild:
        fail(f"{rpz_path}: names {sorted(got)} and wildcards {sorted(wild)} differ")
    unescaped_want = {re.sub(r"\\(\d{3})", lambda m: chr(int(m.group(1))), d) for d in want}
    if got != unescaped_want:
        fail(f"RPZ domains {sorted(got)} != reported findings {sorted(unescaped_want)}")
    stix_domains = cmd_stix("-", stix_path, quiet=True)
    if stix_domains != want:
        fail(f"STIX domains {sorted(stix_domains)} != reported findings {sorted(want)}")


def expected_recipe(n, doc):
    fs = doc["findings"]
    if n == 1:  # domains with score over 80
        return [f["domain"] for f in fs if f["score"] > 80]
    if n == 2:  # clients of each finding
        return [f"{f['domain']}\t{c['ip']}" for f in fs for c in f["clients"]]
    if n == 3:  # bytes moved per client, across findings, most first
        tot = {}
        for f in fs:
            for c in f["clients"]:
                tot[c["ip"]] = tot.get(c["ip"], 0) + c["bytes_out"] + c["bytes_in"]
        rows = sorted(tot.items(), key=lambda kv: (-kv[1], kv[0]))
        return [f"{ip}\t{b}" for ip, b in rows]
    if n == 4:  # findings by tool
        by = {}
        for f in fs:
            by.setdefault(f["tool"] or "unknown", []).append(f["domain"])
        return [f"{t}\t{len(d)}\t{','.join(d)}" for t, d in sorted(by.items())]
    if n == 5:  # inputs that failed
        return [f"{i['path']}\t{i['error']}" for i in doc["inputs"] if i["error"] is not None]
    fail(f"no recipe {n}")


def cmd_recipe(n, doc_path, out_path):
    doc = json.load(open(doc_path))
    want = expected_recipe(int(n), doc)
    got = open(out_path).read().splitlines()
    if got != want:
        fail(f"recipe {n}: got {got!r}, want {want!r}")
    if not want:
        fail(f"recipe {n}: empty on the test input, so it tests nothing")


def cmd_readme_recipes(readme):
    text = open(readme).read()
    m = re.search(r"^## jq recipes\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    if not m:
        fail("README has no '## jq recipes' section")
    cmds = [l.strip() for l in m.group(1).splitlines() if l.strip().startswith("dnstunnel-scan ")]
    if len(cmds) != 5:
        fail(f"README jq recipes: {len(cmds)} commands, want 5")
    for c in cmds:
        print(c)


def main(argv):
    if len(argv) < 2:
        fail(__doc__)
    cmd, args = argv[1], argv[2:]
    if cmd == "doc":
        cmd_doc(*args)
    elif cmd == "ndjson":
        cmd_ndjson(*args)
    elif cmd == "stix":
        cmd_stix(args[0], args[1], False, *args[2:])
    elif cmd == "same-set":
        cmd_same_set(*args)
    elif cmd == "recipe":
        cmd_recipe(*args)
    elif cmd == "readme-recipes":
        cmd_readme_recipes(*args)
    else:
        fail(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv)
