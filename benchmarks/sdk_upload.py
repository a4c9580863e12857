#!/usr/bin/env python3
"""Upload one file with an official Alibaba Cloud OSS SDK uploader, for the comparison benchmark.

usage: sdk_upload.py oss2|v2 ENDPOINT BUCKET KEY FILE PART_SIZE THREADS [CHECKPOINT_DIR]
With CHECKPOINT_DIR each SDK keeps its resume record there (the resume benchmark runs the same
command again after kill -9); without it a temporary directory, removed at the end.
Credentials: ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET. Region cn-hangzhou, V4.
"""
import os
import sys
import tempfile


def main():
    sdk, endpoint, bucket, key, path, part_size, threads = sys.argv[1:8]
    part_size, threads = int(part_size), int(threads)
    if len(sys.argv) > 8:
        os.makedirs(sys.argv[8], exist_ok=True)
        upload(sdk, endpoint, bucket, key, path, part_size, threads, sys.argv[8], resumable=True)
    else:
        with tempfile.TemporaryDirectory() as store:
            upload(sdk, endpoint, bucket, key, path, part_size, threads, store, resumable=False)


def upload(sdk, endpoint, bucket, key, path, part_size, threads, store, resumable):
    """oss2.resumable_upload always keeps its record in `store`; the v2 uploader only when asked,
    as a user who wants to resume would ask it."""
    ak, sk = os.environ["ALIBABA_CLOUD_ACCESS_KEY_ID"], os.environ["ALIBABA_CLOUD_ACCESS_KEY_SECRET"]
    if sdk == "oss2":
        import oss2
        b = oss2.Bucket(oss2.AuthV4(ak, sk), endpoint, bucket, region="cn-hangzhou", is_path_style=True, enable_crc=True)
        oss2.resumable_upload(b, key, path, store=oss2.ResumableStore(root=store), multipart_threshold=part_size,
                              part_size=part_size, num_threads=threads)
    elif sdk == "v2":
        import alibabacloud_oss_v2 as oss
        cfg = oss.config.load_default()
        cfg.credentials_provider = oss.credentials.StaticCredentialsProvider(ak, sk)
        cfg.region, cfg.endpoint, cfg.use_path_style = "cn-hangzhou", endpoint, True
        client = oss.Client(cfg)
        client.uploader(part_size=part_size, parallel_num=threads, enable_checkpoint=resumable,
                        checkpoint_dir=store).upload_file(
            oss.PutObjectRequest(bucket=bucket, key=key), filepath=path)
    else:
        sys.exit(f"unknown sdk {sdk}")


if __name__ == "__main__":
    main()
