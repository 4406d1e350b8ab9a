"""A job's Hugging Face dataset folder (`hf/`, written by curation) as one zip download, streamed as it is
built: no copy on the server's disk, and nothing but the files the job published."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import StreamingResponse

from gdprep.service.api_jobs import visible_job
from gdprep.service.deps import API_VERSION, Engineer, ErrorResponse, ServicesDep

#: where curation's `hf/` folder is in a job's outputs
HF_PREFIX = "curated/hf/"
_CHUNK = 1024 * 1024

router = APIRouter(prefix=f"/{API_VERSION}", responses={code: {"model": ErrorResponse} for code in (401, 403, 404)})


class _Sink(io.RawIOBase):
    """A write-only, unseekable buffer that hands over what was written since it was last emptied; zipfile
    writes to it with data descriptors, as it does to a pipe."""

    def __init__(self) -> None:
        super().__init__()
        self._parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self._parts = b"".join(self._parts), []
        return data


def zip_stream(files: list[tuple[str, Path]]) -> Iterator[bytes]:
    """The zip of `files` ((name in the archive, path on disk)), in pieces of about a megabyte."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, path in files:
            info = zipfile.ZipInfo.from_file(path, name)
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w", force_zip64=True) as dest, path.open("rb") as src:
                while chunk := src.read(_CHUNK):
                    dest.write(chunk)
                    if piece := sink.take():
                        yield piece
    yield sink.take()


@router.get("/jobs/{job_id}/artifacts/hf.zip", tags=["jobs"], response_class=StreamingResponse,
            responses={200: {"content": {"application/zip": {}}}})
def download_hf_zip(job_id: str, request: Request, services: ServicesDep, principal: Engineer) -> StreamingResponse:
    """The job's `hf/` folder (the curated splits as a Hugging Face DatasetDict, for `load_from_disk`) as one
    zip, its files under `hf/`. Recorded in the ledger like any artifact download."""
    job = visible_job(services, principal, job_id)
    base = (request.app.state.settings.jobs_dir / job.id).resolve()
    names = sorted(name for name in job.outputs if name.startswith(HF_PREFIX))
    files = [("hf/" + name.removeprefix(HF_PREFIX), (base / name).resolve()) for name in names]
    if not files or not all(path.is_relative_to(base) and path.is_file() for _, path in files):
        raise HTTPException(status.HTTP_404_NOT_FOUND, "this job has no hf/ folder; curation writes one when the "
                            "curation config has output.hf_dataset: true (the default)")
    with services.write_lock:
        services.ledger.append("artifact_download", {
            "job": job.id, "artifact": "hf.zip", "files": {name: job.outputs[name]["sha256"] for name in names},
            "actor": principal.name, "actor_role": principal.role, "key_id": principal.key_id, "channel": "api"})
        services.ledger.checkpoint()
    return StreamingResponse(zip_stream(files), media_type="application/zip",
                             headers={"Content-Disposition": f'attachment; filename="{job.id}-hf.zip"'})
