#!/usr/bin/env python3
"""Contract check for projects, clusters and Flex clusters: every response atlas-mock gives in the flows below must
match ../shared/spec/atlas-clusters.openapi.yaml (status declared, media type, body schema, no undeclared keys).

Usage: contract-check-clusters.py BASE_URL SPEC_PATH

The spec has a schema cycle (CloudRegionConfig20240805 oneOf -> AWSRegionConfig20240805 allOf ->
CloudRegionConfig20240805), on which inlining validators recurse forever (openapi-spec-validator >= 0.7.2 too).
This check never inlines: jsonschema (Draft 7) resolves `$ref`s lazily through a `referencing` registry, and each
`discriminator` is turned into if/then dispatch on its property, its mapping targets extending a copy of the base
schema without the dispatch, so the cycle is cut where the spec's own semantics cut it. Undeclared keys are found
by a separate walk that follows the same discriminators (object schemas are left open for the validator, since
`additionalProperties: false` cannot be combined with `allOf`).

Deviations from a literal check, each recorded Atlas behaviour (README fidelity table):
- createGroup answers 201 (spec: 200), deleteGroup 202 with `{}` (spec: 204).
- ClusterDescription20240805 carries `adaptiveCapacity` (explicit null) and `effectiveDatabaseEdition`, which the
  spec lacks; the 2023-01-01 TENANT providerSettings writes `autoScaling.compute.{max,min}InstanceSize` as null.
- ApiError.parameters items are typed `object`, but Atlas sends strings and numbers.
- getCluster and listClusters declare no 400, yet Atlas answers 400 CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API there.
- `biConnector.readPreference` is recorded as `"secondary"` (lower case; the enum is upper case).
- Tenant disks (0.5 GB for an M0, 2 GB for an M2) are below LegacyAtlasCluster.diskSizeGB's `minimum: 10`.
- Spec inconsistencies any real response trips over: a `oneOf` without discriminator whose branches overlap
  (`HardwareSpec20240805`'s AWS/Azure/GCP specs accept the same M10) is checked as `anyOf`; `regionName` is typed
  `object` around its string enums, so that `type` is dropped.
"""
import copy
import re
import time

import requests
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7
from requests.auth import HTTPDigestAuth

import contract_support
from contract_support import check_conforms, check_dates, check_served_as, error_document, send

BASE, SPEC = contract_support.arguments()
SCHEMAS = SPEC["components"]["schemas"]
ORG = "5f1d2c3b4a5e6f7081928374"
DATE_FIELDS = {"created", "createDate", "mongoURIUpdated"}
STATUS_IN_SPEC = {("POST", "/api/atlas/v2/groups", 201): 200, ("DELETE", "/api/atlas/v2/groups/{groupId}", 202): 204}
UNDECLARED_400 = {"getGroupCluster", "listGroupClusters"}
EXTRA_KEYS = {"adaptiveCapacity", "effectiveDatabaseEdition"}
NULL_KEYS = {"adaptiveCapacity", "maxInstanceSize", "minInstanceSize"}

TALLY = contract_support.Tally()


def loosen(node):
    """The spec's own inconsistencies, which real Atlas responses trip over too (see the deviations above)."""
    if isinstance(node, dict):
        if "oneOf" in node and "discriminator" not in node:
            node["anyOf"] = node.pop("oneOf")
        if node.get("type") == "object" and "anyOf" in node and "properties" not in node:
            del node["type"]
        for value in node.values():
            loosen(value)
    elif isinstance(node, list):
        for value in node:
            loosen(value)


def transformed_schemas():
    """The components with each discriminator's oneOf replaced by if/then dispatch (see the module docstring)."""
    schemas = copy.deepcopy(SCHEMAS)
    loosen(schemas)
    schemas["BiConnector"]["properties"]["readPreference"]["enum"].append("secondary")
    schemas["LegacyAtlasCluster"]["properties"]["diskSizeGB"].pop("minimum", None)
    for name, schema in list(schemas.items()):
        discriminator = schema.get("discriminator")
        if not discriminator or "mapping" not in discriminator:
            continue
        base = {k: v for k, v in schema.items() if k not in ("oneOf", "discriminator")}
        schemas[name + "__base"] = base
        prop = discriminator["propertyName"]
        dispatch = [{"if": {"properties": {prop: {"const": value}}, "required": [prop]}, "then": {"$ref": target}}
                    for value, target in discriminator["mapping"].items()]
        schemas[name] = dict(base, allOf=base.get("allOf", []) + dispatch)
        for target in discriminator["mapping"].values():
            sub = schemas[target.split("/")[-1]]
            sub["allOf"] = [{"$ref": "#/components/schemas/" + name + "__base"}
                            if part.get("$ref") == "#/components/schemas/" + name else part
                            for part in sub.get("allOf", [])]
    return schemas


DOCUMENT = {"components": {"schemas": transformed_schemas()}}
REGISTRY = Registry().with_resource("urn:spec", Resource(contents=DOCUMENT, specification=DRAFT7))


def validator(ref):
    return Draft7Validator({"$ref": "urn:spec" + ref}, registry=REGISTRY)


def target(schema):
    while "$ref" in schema:
        schema = DOCUMENT["components"]["schemas"][schema["$ref"].split("/")[-1]]
    return schema


def properties(schema, value, seen=()):
    """Every property name `schema` declares for the object `value` (None: any key), following allOf, the
    discriminator chosen by `value`, and every branch of other oneOf/anyOf."""
    schema = target(schema)
    if id(schema) in seen:
        return {}
    seen = seen + (id(schema),)
    if isinstance(schema.get("additionalProperties"), dict) and "properties" not in schema:
        return None
    found = dict(schema.get("properties", {}))
    for part in schema.get("allOf", []):
        if "if" in part:
            prop, const = next(iter(part["if"]["properties"].items()))
            if value.get(prop) != const["const"]:
                continue
            part = part["then"]
        more = properties(part, value, seen)
        if more is None:
            return None
        found.update(more)
    for part in schema.get("oneOf", []) + schema.get("anyOf", []):
        found.update(properties(part, value, seen) or {})
    return found


def undeclared(schema, value, path="$"):
    """Paths of keys in `value` its schema does not declare."""
    problems = []
    if isinstance(value, dict):
        declared = properties(schema, value)
        resolved = target(schema)
        for key, item in value.items():
            if declared is None:
                inner = resolved.get("additionalProperties", {})
            elif key in declared:
                inner = declared[key]
            elif key in EXTRA_KEYS and re.fullmatch(r"\$(\.results\[\d+\])?", path):
                continue
            else:
                problems.append(f"{path}.{key}")
                continue
            problems += undeclared(inner, item, f"{path}.{key}")
    elif isinstance(value, list):
        items = target(schema).get("items", {})
        for index, item in enumerate(value):
            problems += undeclared(items, item, f"{path}[{index}]")
    return problems


def without_documented_nulls(value):
    if isinstance(value, dict):
        return {k: without_documented_nulls(v) for k, v in value.items() if not (v is None and k in NULL_KEYS)}
    if isinstance(value, list):
        return [without_documented_nulls(v) for v in value]
    return value


@TALLY.checked
def check(name, template, method, path, expected, media, auth, body=None):
    response = send(BASE, method, path, expected, media, auth, body)
    op = SPEC["paths"][template][method.lower()]
    status = STATUS_IN_SPEC.get((method, template, response.status_code), response.status_code)
    declared = op["responses"].get(str(status))
    if declared is None and not (status == 400 and op["operationId"] in UNDECLARED_400):
        raise AssertionError(f"status {status} not declared for {op['operationId']}")
    if response.status_code < 300:
        check_served_as(response, media)
        content = declared.get("content", {}).get(media)
        assert content is not None, f"{media} not declared for {op['operationId']} {status}"
        ref = content.get("schema", {}).get("$ref")
        if ref is None:
            assert response.content in (b"", b"{}"), f"undeclared body {response.text}"
        else:
            document = response.json()
            check_conforms(validator(ref), without_documented_nulls(document))
            extra = undeclared({"$ref": ref}, document)
            assert not extra, f"undeclared keys {extra[:8]}"
            check_dates(document, DATE_FIELDS, name)
    else:
        document = error_document(response)
        schema = copy.deepcopy(SCHEMAS["ApiError"])
        schema["properties"]["parameters"]["items"] = {"type": ["string", "integer"]}
        check_conforms(Draft7Validator(schema), document)
    return response


def admin_advance(seconds):
    requests.put(BASE + "/__admin/clock", json={"advanceSeconds": seconds}, timeout=10).raise_for_status()


def main():
    owner = HTTPDigestAuth("mockowner", "mock-owner-key-0000")
    reader = HTTPDigestAuth("mockpublic", "mock-private-key-0000")
    g1, v2, v3, v4, v5 = ("application/vnd.atlas.2023-01-01+json", "application/vnd.atlas.2023-02-01+json",
                          "application/vnd.atlas.2024-08-05+json", "application/vnd.atlas.2024-10-23+json",
                          "application/vnd.atlas.2024-11-13+json")
    groups, group = "/api/atlas/v2/groups", "/api/atlas/v2/groups/{groupId}"
    clusters, cluster = group + "/clusters", group + "/clusters/{clusterName}"
    flexes, flex = group + "/flexClusters", group + "/flexClusters/{name}"
    requests.post(BASE + "/__admin/reset", timeout=10).raise_for_status()

    name = f"contract-{int(time.time())}"
    created = check("createGroup 201", groups, "POST", groups, 201, g1, owner,
                    {"name": name, "orgId": ORG, "tags": [{"key": "env", "value": "ci"}]})
    gid = created.json()["id"] if created is not None else "0" * 24
    at = f"/api/atlas/v2/groups/{gid}"
    check("listGroups", groups, "GET", groups, 200, g1, owner)
    check("getGroup", group, "GET", at, 200, g1, owner)
    check("getGroupByName", "/api/atlas/v2/groups/byName/{groupName}", "GET", f"{groups}/byName/{name}", 200, g1, owner)
    check("getGroupByName 404", "/api/atlas/v2/groups/byName/{groupName}", "GET", f"{groups}/byName/none-such", 404, g1, owner)
    check("createGroup 409", groups, "POST", groups, 409, g1, owner, {"name": name, "orgId": ORG})
    check("createGroup 401 reader", groups, "POST", groups, 401, g1, reader, {"name": name + "x", "orgId": ORG})
    check("getGroup 404", group, "GET", "/api/atlas/v2/groups/111111111111111111111111", 404, g1, owner)

    flex_body = {"name": "flex-1", "providerSettings": {"backingProviderName": "AWS", "regionName": "US_EAST_1"}}
    check("createFlexCluster 201", flexes, "POST", at + "/flexClusters", 201, v5, owner, flex_body)
    check("createFlexCluster 400 duplicate", flexes, "POST", at + "/flexClusters", 400, v5, owner, flex_body)
    check("getFlexCluster CREATING", flex, "GET", at + "/flexClusters/flex-1", 200, v5, owner)
    admin_advance(30)
    check("getFlexCluster IDLE", flex, "GET", at + "/flexClusters/flex-1", 200, v5, owner)
    check("listFlexClusters", flexes, "GET", at + "/flexClusters", 200, v5, owner)
    check("updateFlexCluster", flex, "PATCH", at + "/flexClusters/flex-1", 200, v5, owner,
          {"tags": [{"key": "k", "value": "v"}], "terminationProtectionEnabled": False})
    check("getFlexCluster 404", flex, "GET", at + "/flexClusters/none", 404, v5, owner)
    for version in (g1, v2, v3):
        check(f"getCluster flex 400 ({version[22:32]})", cluster, "GET", at + "/clusters/flex-1", 400, version, owner)

    m0 = {"clusterType": "REPLICASET", "name": "m0-1", "replicationSpecs": [{"regionConfigs": [
        {"backingProviderName": "AWS", "electableSpecs": {"instanceSize": "M0"}, "priority": 7, "providerName": "TENANT",
         "regionName": "US_EAST_1"}], "zoneName": "Zone 1"}]}
    check("createCluster M0 (2024-10-23)", clusters, "POST", at + "/clusters", 201, v4, owner, m0)
    m2 = copy.deepcopy(m0)
    m2["name"] = "m2-1"
    m2["replicationSpecs"][0]["regionConfigs"][0]["electableSpecs"]["instanceSize"] = "M2"
    check("createCluster M2 as Flex (2023-02-01)", clusters, "POST", at + "/clusters", 201, v2, owner, m2)
    dedicated = {"name": "d-1", "clusterType": "REPLICASET", "replicationSpecs": [{"regionConfigs": [
        {"electableSpecs": {"instanceSize": "M10", "nodeCount": 3, "diskSizeGB": 10}, "priority": 7,
         "providerName": "AWS", "regionName": "US_EAST_1"}], "zoneName": "Zone 1"}]}
    check("createCluster M10 (2024-08-05)", clusters, "POST", at + "/clusters", 201, v3, owner, dedicated)
    legacy = {"name": "d-2", "providerSettings": {"providerName": "AWS", "instanceSizeName": "M10",
                                                   "regionName": "US_EAST_1"}, "diskSizeGB": 10}
    check("createCluster M10 (2023-01-01)", clusters, "POST", at + "/clusters", 201, g1, owner, legacy)
    check("createCluster 400 provider", clusters, "POST", at + "/clusters", 400, v4, owner,
          dict(dedicated, name="d-3", replicationSpecs=[{"regionConfigs": [{"electableSpecs": {"instanceSize": "M10"},
                                                                            "providerName": "IBM", "regionName": "X"}]}]))
    admin_advance(60)
    for version in (g1, v2, v3):
        tag = version[22:32]
        check(f"listClusters ({tag})", clusters, "GET", at + "/clusters", 200, version, owner)
        for each in ("m0-1", "m2-1", "d-1"):
            check(f"getCluster {each} ({tag})", cluster, "GET", at + "/clusters/" + each, 200, version, owner)
    check("getCluster 404", cluster, "GET", at + "/clusters/none", 404, v3, owner)
    for version in (g1, v2, v3, v4):
        check(f"updateCluster M10 ({version[22:32]})", cluster, "PATCH", at + "/clusters/d-1", 200, version, owner,
              {"pitEnabled": True})
    check("updateCluster M0 400", cluster, "PATCH", at + "/clusters/m0-1", 400, v4, owner, {"paused": True})
    check("getFlexCluster non-flex 400", flex, "GET", at + "/flexClusters/m0-1", 400, v5, owner)
    check("tenantUpgrade M0 -> M10", clusters + "/tenantUpgrade", "POST", at + "/clusters/tenantUpgrade", 200, g1, owner,
          {"name": "m0-1", "providerSettings": {"providerName": "AWS", "instanceSizeName": "M10",
                                                "regionName": "US_EAST_1"}})
    check("flexClusters:tenantUpgrade", group + "/flexClusters:tenantUpgrade", "POST",
          at + "/flexClusters:tenantUpgrade", 200, v5, owner,
          {"name": "flex-1", "replicationSpecs": dedicated["replicationSpecs"]})
    admin_advance(60)
    check("getCluster upgraded (2024-08-05)", cluster, "GET", at + "/clusters/m0-1", 200, v3, owner)
    check("deleteGroup 409 with clusters", group, "DELETE", at, 409, g1, owner)
    for each in ("m0-1", "m2-1", "d-1", "d-2", "flex-1"):
        check(f"deleteCluster {each}", cluster, "DELETE", at + "/clusters/" + each, 202, v2, owner)
    check("deleteCluster twice 400", cluster, "DELETE", at + "/clusters/d-1", 400, v2, owner)
    check("createFlexCluster 201 (second)", flexes, "POST", at + "/flexClusters", 201, v5, owner,
          dict(flex_body, name="flex-2"))
    check("deleteFlexCluster 204", flex, "DELETE", at + "/flexClusters/flex-2", 204, v5, owner)
    check("getFlexCluster DELETING", flex, "GET", at + "/flexClusters/flex-2", 200, v5, owner)
    admin_advance(120)
    check("getFlexCluster gone 404", flex, "GET", at + "/flexClusters/flex-2", 404, v5, owner)
    check("deleteGroup 202", group, "DELETE", at, 202, g1, owner)

    TALLY.finish("contract (clusters)")


if __name__ == "__main__":
    main()
