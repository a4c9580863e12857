#!/usr/bin/env python3
"""Drive a running `hoist emulator`'s ECS side with the official Alibaba Cloud ECS SDK.

If a real client fails against the emulator, the emulator is wrong. The checks use
aliyun-python-sdk-core's AcsClient with aliyun-python-sdk-ecs request classes exactly as an
application would (signature v1, HMAC-SHA1; GET by default, POST where noted), with signature
checks on in the emulator. The disk image is uploaded with oss2 to the same emulator first,
because ImportImage reads it from there.

Environment: HOIST_EMULATOR_URL (http://127.0.0.1:PORT), HOIST_BUCKET, HOIST_REGION,
HOIST_AK/HOIST_SK (a long-term key), HOIST_STS_AK/HOIST_STS_SK/HOIST_STS_TOKEN (an STS triple).
The emulator should run with short imports (a few seconds at most).
Prints one line per check and a closing 'N passed, N failed' line; exits non-zero on failure.
"""
import json
import os
import sys
import time
import uuid
from urllib.parse import urlparse

import oss2
from aliyunsdkcore.acs_exception.exceptions import ServerException
from aliyunsdkcore.auth.credentials import StsTokenCredential
from aliyunsdkcore.client import AcsClient
from aliyunsdkecs.request.v20140526 import (CancelTaskRequest, DescribeImagesRequest, DescribeTaskAttributeRequest,
                                            DescribeTasksRequest, ImportImageRequest)

from fidelity_checks import check, run_checks

URL = os.environ["HOIST_EMULATOR_URL"]
ENDPOINT = urlparse(URL).netloc
BUCKET = os.environ.get("HOIST_BUCKET", "fidelity")
REGION = os.environ.get("HOIST_REGION", "cn-hangzhou")
AK, SK = os.environ["HOIST_AK"], os.environ["HOIST_SK"]
STS_AK, STS_SK, STS_TOKEN = os.environ["HOIST_STS_AK"], os.environ["HOIST_STS_SK"], os.environ["HOIST_STS_TOKEN"]
IMPORT_STATES = "Creating,Waiting,Available,UnAvailable,CreateFailed"


def client(secret=None, sts=False):
    if sts:
        return AcsClient(region_id=REGION, credential=StsTokenCredential(STS_AK, STS_SK, STS_TOKEN))
    return AcsClient(AK, secret or SK, REGION)


def at_emulator(request, method=None):
    """Points an SDK request at the emulator instead of the regional endpoint."""
    request.set_endpoint(ENDPOINT)
    request.set_protocol_type("http")
    if method:
        request.set_method(method)
    return request


def call(request, acs=None, method=None):
    return json.loads((acs or client()).do_action_with_exception(at_emulator(request, method)))


def upload_disk():
    """A 1 MiB raw disk with an MBR signature, stored through the emulator's OSS side."""
    key = f"fidelity/ecs-{uuid.uuid4().hex[:8]}.raw"
    disk = bytearray(1 << 20)
    disk[510:512] = b"\x55\xaa"
    bucket = oss2.Bucket(oss2.AuthV4(AK, SK), URL, BUCKET, region=REGION, is_path_style=True)
    bucket.put_object(key, bytes(disk))
    return key


def import_request(key, name=None, token=None, fmt="RAW"):
    r = ImportImageRequest.ImportImageRequest()
    r.set_ImageName(name or f"fidelity-{uuid.uuid4().hex[:8]}")
    # Spaces, '*', '~', ':' and parentheses exercise the v1 percent-encoding rules.
    r.set_Description("Imported by the SDK fidelity check: a*b ~c (v1)")
    r.set_Architecture("x86_64")
    r.set_OSType("linux")
    r.set_Platform("Others Linux")
    r.set_BootMode("UEFI")
    r.set_DiskDeviceMappings([{"OSSBucket": BUCKET, "OSSObject": key, "Format": fmt, "DiskImageSize": 1}])
    r.set_Tags([{"Key": "env", "Value": "fidelity"}])
    r.set_ClientToken(token or str(uuid.uuid4()))
    return r


def describe_image(image_id, method=None):
    r = DescribeImagesRequest.DescribeImagesRequest()
    r.set_ImageId(image_id)
    r.set_Status(IMPORT_STATES)
    images = call(r, method=method)["Images"]["Image"]
    assert len(images) <= 1, images
    return images[0] if images else None


def server_error(fn):
    try:
        fn()
    except ServerException as e:
        return e
    raise AssertionError("expected a ServerException")


@check
def import_then_follow_to_available():
    key = upload_disk()
    started = call(import_request(key, name="fidelity-ubuntu_v1"))
    assert started["ImageId"].startswith("m-") and started["TaskId"].startswith("t-"), started
    assert started["RegionId"] == REGION and started["RequestId"], started
    progress, deadline = [], time.time() + 60
    while True:
        image = describe_image(started["ImageId"])
        assert image is not None
        progress.append(int(image["Progress"].rstrip("%")))
        if image["Status"] not in ("Creating", "Waiting"):
            break
        assert time.time() < deadline, image
        time.sleep(0.2)
    assert image["Status"] == "Available" and image["Progress"] == "100%", image
    assert progress == sorted(progress), progress
    assert image["ImageName"] == "fidelity-ubuntu_v1" and image["Platform"] == "Others Linux", image
    assert image["Description"] == "Imported by the SDK fidelity check: a*b ~c (v1)", image
    assert image["Tags"]["Tag"] == [{"TagKey": "env", "TagValue": "fidelity"}], image["Tags"]
    disk = image["DiskDeviceMappings"]["DiskDeviceMapping"][0]
    assert disk["ImportOSSBucket"] == BUCKET and disk["ImportOSSObject"] == key, disk

    r = DescribeTaskAttributeRequest.DescribeTaskAttributeRequest()
    r.set_TaskId(started["TaskId"])
    task = call(r, method="POST")
    assert task["TaskStatus"] == "Finished" and task["TaskProcess"] == "100%", task
    assert task["TaskAction"] == "ImportImage" and task["ResourceId"] == started["ImageId"], task


@check
def default_status_filter_hides_an_import():
    started = call(import_request(upload_disk()))
    r = DescribeImagesRequest.DescribeImagesRequest()
    r.set_ImageId(started["ImageId"])
    listed = call(r)
    # Right after ImportImage the image is Creating, and the default filter is Available only.
    assert listed["TotalCount"] == 0 and listed["Images"]["Image"] == [], listed
    assert describe_image(started["ImageId"]) is not None


@check
def client_token_replay_and_post():
    token = str(uuid.uuid4())
    key = upload_disk()
    first = call(import_request(key, name="fidelity-replay", token=token))
    second = call(import_request(key, name="fidelity-replay", token=token), method="POST")
    assert (first["ImageId"], first["TaskId"]) == (second["ImageId"], second["TaskId"]), (first, second)
    r = DescribeTasksRequest.DescribeTasksRequest()
    r.set_TaskIds(first["TaskId"])
    tasks = call(r, method="POST")["TaskSet"]["Task"]
    assert [t["TaskId"] for t in tasks] == [first["TaskId"]], tasks
    e = server_error(lambda: call(import_request(key, name="fidelity-other", token=token)))
    assert e.get_error_code() == "IdempotentParameterMismatch", e


@check
def cancel_task():
    started = call(import_request(upload_disk()))
    r = CancelTaskRequest.CancelTaskRequest()
    r.set_TaskId(started["TaskId"])
    assert call(r)["RequestId"]
    assert describe_image(started["ImageId"]) is None
    e = server_error(lambda: call(r))
    assert e.get_error_code() == "InvalidTaskId.IncorrectTaskStatus" and e.get_http_status() == 403, e


@check
def sts_credentials():
    r = DescribeImagesRequest.DescribeImagesRequest()
    r.set_Status(IMPORT_STATES)
    assert call(r, acs=client(sts=True))["TotalCount"] >= 1


@check
def import_errors_carry_the_real_codes():
    e = server_error(lambda: call(import_request(f"fidelity/missing-{uuid.uuid4().hex}.raw")))
    assert e.get_error_code() == "InvalidOSSObject.NotFound" and e.get_http_status() == 400, e
    e = server_error(lambda: call(import_request(upload_disk(), fmt="QCOW2")))
    assert e.get_error_code() == "InvalidImageFormat.Malformed", e
    e = server_error(lambda: call(import_request(upload_disk(), name="fidelity-replay")))
    assert e.get_error_code() == "InvalidImageName.Duplicated", e
    assert e.get_request_id(), e


@check
def wrong_secret():
    r = DescribeImagesRequest.DescribeImagesRequest()
    # aliyun-python-sdk-core turns SignatureDoesNotMatch into InvalidAccessKeySecret exactly when
    # the server's echoed string to sign equals its own: this proves both the code and the echo.
    e = server_error(lambda: call(r, acs=client(secret="wrong")))
    assert e.get_error_code() == "InvalidAccessKeySecret" and e.get_http_status() == 400, e
    # The raw answer, before the SDK's interpretation.
    body = json.loads(client(secret="wrong").do_action(at_emulator(DescribeImagesRequest.DescribeImagesRequest())))
    assert body["Code"] == "SignatureDoesNotMatch", body
    assert "server string to sign is:" in body["Message"] and body["RequestId"] and body["HostId"], body


if __name__ == "__main__":
    sys.exit(run_checks())
