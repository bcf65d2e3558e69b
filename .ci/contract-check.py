#!/usr/bin/env python3
"""Contract check: every response atlas-mock gives for the twelve backup operations must match the official
spec subset in ../shared/spec (status declared, media type, body schema), using independent clients:
python-requests' HTTPDigestAuth for API keys and the OAuth token endpoint for Bearer tokens.

Usage: contract-check.py BASE_URL SPEC_PATH
Deviations from a literal schema check, each one documented Atlas behaviour (README fidelity table):
- ApiError.parameters items are typed `object` in the spec, but Atlas sends strings and numbers.
- The Digest 401 challenge body has no errorCode (recorded from Atlas).
- 405 has an empty body; 406 INVALID_VERSION_DATE and 410 VERSION_GONE are not declared per operation.
"""
import copy
import re

import requests
from jsonschema import Draft7Validator
from requests.auth import HTTPDigestAuth

import contract_support
from contract_support import check_conforms, check_dates, check_served_as, error_document, send

BASE, SPEC = contract_support.arguments()
GROUP = "32b6e34b3d91647abb20e7b8"
TENANT_MEDIA = "application/vnd.atlas.2023-01-01+json"
FLEX_MEDIA = "application/vnd.atlas.2024-11-13+json"
DATE_FIELDS = {"expirationDate", "restoreFinishedDate", "restoreScheduledDate", "snapshotFinishedDate",
               "expiration", "finishTime", "scheduledTime", "startTime"}
UNDECLARED_BUT_DOCUMENTED = {"405", "406", "410"}

TALLY = contract_support.Tally()


def resolve(node):
    """Inlines $refs and closes every object schema (additionalProperties: false) so extra fields fail."""
    if isinstance(node, dict):
        if "$ref" in node:
            name = node["$ref"].split("/")[-1]
            return resolve(copy.deepcopy(SPEC["components"]["schemas"][name]))
        out = {k: resolve(v) for k, v in node.items() if k not in ("example", "externalDocs", "x-upstream-pattern")}
        if out.get("type") == "object" and "properties" in out:
            out["additionalProperties"] = False
        return out
    if isinstance(node, list):
        return [resolve(v) for v in node]
    return node


def with_scalar_parameters(schema):
    """ApiError.parameters items as Atlas sends them: strings and numbers (the spec says objects)."""
    if "properties" in schema and "parameters" in schema["properties"]:
        schema["properties"]["parameters"]["items"] = {"type": ["string", "integer", "null"]}
    return schema


def operation(path_template, method):
    return SPEC["paths"][path_template][method.lower()]


def response_schema(op, status, media):
    responses = op["responses"]
    declared = responses.get(str(status))
    if declared is None:
        return None
    if "$ref" in declared:
        declared = SPEC["components"]["responses"][declared["$ref"].split("/")[-1]]
    content = declared.get("content", {})
    body = content.get(media) or content.get("application/json")
    if body is None:
        return None
    return with_scalar_parameters(resolve(body["schema"]))


@TALLY.checked
def check(name, path_template, method, path, expected, auth=None, media=TENANT_MEDIA, body=None, query="",
          spec_method=None):
    response = send(BASE, method, path, expected, media, auth, body, query)
    op = operation(path_template, spec_method or method)
    status = str(response.status_code)
    if status not in op["responses"] and status not in UNDECLARED_BUT_DOCUMENTED:
        raise AssertionError(f"status {status} not declared for {op['operationId']}")
    if response.status_code < 300:
        served = FLEX_MEDIA if "/flexClusters/" in path else TENANT_MEDIA
        check_served_as(response, served)
        schema = response_schema(op, response.status_code, served)
    elif response.status_code == 405:
        assert response.content == b"", "405 must have an empty body"
        schema = None
    else:
        error_document(response)
        schema = with_scalar_parameters(resolve(SPEC["components"]["schemas"]["ApiError"]))
    if schema is not None:
        document = response.json()
        if "envelope=true" in query and response.status_code < 300:
            # envelope=true adds "status" to lists and wraps entities in {"content","status"} (ATLAS.md 3.6).
            assert document.pop("status") == response.status_code, "envelope status"
            document = document.get("content", document)
        check_conforms(Draft7Validator(schema), document)
        check_dates(document, DATE_FIELDS, name)
    return response


def main():
    reader = HTTPDigestAuth("mockpublic", "mock-private-key-0000")
    owner = HTTPDigestAuth("mockowner", "mock-owner-key-0000")
    t = "/api/atlas/v2/groups/{groupId}/clusters/{clusterName}/backup/tenant"
    f = "/api/atlas/v2/groups/{groupId}/flexClusters/{name}/backup"
    tenant = f"/api/atlas/v2/groups/{GROUP}/clusters/Cluster0/backup/tenant"
    migrated = f"/api/atlas/v2/groups/{GROUP}/flexClusters/MigratedFlex0/backup"
    flex = f"/api/atlas/v2/groups/{GROUP}/flexClusters/FlexCluster0/backup"

    token = requests.post(BASE + "/api/oauth/token", auth=("mdb_sa_id_mock", "mdb_sa_sk_mock"),
                          data={"grant_type": "client_credentials"}, timeout=10).json()["access_token"]

    class Bearer(requests.auth.AuthBase):
        def __call__(self, request):
            request.headers["Authorization"] = f"Bearer {token}"
            return request

    listing = check("list tenant restores (digest)", t + "/restores", "GET", tenant + "/restores", 200, reader)
    check("list tenant restores (bearer, seed version 2024-05-30)", t + "/restores", "GET", tenant + "/restores", 200,
          Bearer(), media="application/vnd.atlas.2024-05-30+json", query="pretty=true")
    check("list tenant restores paged", t + "/restores", "GET", tenant + "/restores", 200, reader,
          query="itemsPerPage=1&pageNum=2&envelope=true")
    challenge = requests.get(BASE + tenant + "/restores", headers={"Accept": TENANT_MEDIA}, timeout=10)
    TALLY.record("401 Digest challenge", challenge.status_code == 401
                 and re.fullmatch(r'Digest realm="MMS Public API", domain="", nonce="[A-Za-z0-9+/]{32}", '
                                  r'algorithm=MD5, qop="auth", stale=false',
                                  challenge.headers.get("WWW-Authenticate", "")) is not None
                 and challenge.content == b'{\n  "error" : 401,\n  "reason" : "Unauthorized",\n  "detail" : '
                                          b'"You are not authorized for this resource."\n}', challenge.text)
    check("401 USER_UNAUTHORIZED", t + "/restores", "GET", tenant + "/restores", 401,
          HTTPDigestAuth("mocknorole", "mock-norole-key-0000"))
    check("403 access list", t + "/restores", "GET", tenant + "/restores", 403,
          HTTPDigestAuth("mockblocked", "mock-blocked-key-0000"))
    check("404 GROUP_NOT_FOUND", t + "/restores", "GET",
          "/api/atlas/v2/groups/111111111111111111111111/clusters/Cluster0/backup/tenant/restores", 404, reader)
    check("404 CLUSTER_NOT_FOUND", t + "/restores", "GET", tenant.replace("Cluster0", "Nope0") + "/restores", 404, reader)
    check("400 flex cluster in cluster API", t + "/restores", "GET",
          tenant.replace("Cluster0", "FlexCluster0") + "/restores", 400, reader)
    check("400 bad boolean", t + "/restores", "GET", tenant + "/restores", 400, reader, query="envelope=maybe")
    check("500 fault rule", t + "/restores", "GET", tenant.replace("Cluster0", "Faulty0") + "/restores", 500, reader)
    check("406 version before 2023-01-01", t + "/restores", "GET", tenant + "/restores", 406, reader,
          media="application/vnd.atlas.2022-01-01+json")
    check("405 wrong method", t + "/restores", "DELETE", tenant + "/restores", 405, owner, spec_method="GET")

    job_id = listing.json()["results"][0]["id"] if listing is not None and listing.json()["results"] else "0" * 24
    check("get tenant restore", t + "/restores/{restoreId}", "GET", tenant + "/restores/" + job_id, 200, reader)
    check("get tenant restore 404", t + "/restores/{restoreId}", "GET", tenant + "/restores/" + "f" * 24, 404, reader)
    snapshots = check("list tenant snapshots", t + "/snapshots", "GET", tenant + "/snapshots", 200, reader)
    snapshot_ids = [s["id"] for s in snapshots.json()["results"] if s.get("status") == "COMPLETED"] if snapshots else []
    snapshot_id = snapshot_ids[0] if snapshot_ids else "0" * 24
    check("get tenant snapshot", t + "/snapshots/{snapshotId}", "GET", tenant + "/snapshots/" + snapshot_id, 200, reader)
    check("create tenant restore", t + "/restore", "POST", tenant + "/restore", 200, owner,
          body={"snapshotId": snapshot_id, "targetDeploymentItemName": "Dedicated0"})
    check("create tenant restore 400", t + "/restore", "POST", tenant + "/restore", 400, owner,
          body={"snapshotId": snapshot_id})
    check("create tenant restore needs owner", t + "/restore", "POST", tenant + "/restore", 401, reader,
          body={"snapshotId": snapshot_id, "targetDeploymentItemName": "Cluster1"})
    check("tenant download", t + "/download", "POST", tenant + "/download", 200, owner,
          body={"snapshotId": snapshot_id, "targetDeploymentItemName": "Cluster0"})

    flex_jobs = check("list flex restore jobs", f + "/restoreJobs", "GET", migrated + "/restoreJobs", 200, reader,
                      media=FLEX_MEDIA)
    check("list flex restore jobs 400 non-flex", f + "/restoreJobs", "GET",
          migrated.replace("MigratedFlex0", "Cluster0") + "/restoreJobs", 400, reader, media=FLEX_MEDIA)
    flex_job = flex_jobs.json()["results"][0]["id"] if flex_jobs is not None and flex_jobs.json()["results"] else "0" * 24
    check("get flex restore job", f + "/restoreJobs/{restoreJobId}", "GET", migrated + "/restoreJobs/" + flex_job, 200,
          reader, media=FLEX_MEDIA)
    flex_snapshots = check("list flex snapshots", f + "/snapshots", "GET", flex + "/snapshots", 200, reader,
                           media=FLEX_MEDIA, query="itemsPerPage=500&includeCount=false")
    ids = [s["id"] for s in flex_snapshots.json()["results"] if s.get("status") == "COMPLETED"] if flex_snapshots else []
    flex_snapshot = ids[0] if ids else "0" * 24
    check("get flex snapshot", f + "/snapshots/{snapshotId}", "GET", flex + "/snapshots/" + flex_snapshot, 200, reader,
          media=FLEX_MEDIA)
    check("create flex restore job", f + "/restoreJobs", "POST", flex + "/restoreJobs", 200, owner, media=FLEX_MEDIA,
          body={"snapshotId": flex_snapshot, "targetDeploymentItemName": "MigratedFlex0"})
    check("flex download", f + "/download", "POST", flex + "/download", 200, owner, media=FLEX_MEDIA,
          body={"snapshotId": flex_snapshot})
    check("flex download 404 snapshot", f + "/download", "POST", flex + "/download", 404, owner, media=FLEX_MEDIA,
          body={"snapshotId": "f" * 24})

    TALLY.finish("contract")


if __name__ == "__main__":
    main()
