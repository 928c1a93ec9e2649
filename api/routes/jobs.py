"""Background jobs (admin): start a retrain, follow its record."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from api.deps import AdminDep, JobsDep
from api.schemas.jobs import IngestIn, JobOut, RetrainIn
from api.services.jobs import retrain_fn

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.post("/retrain", response_model=JobOut, status_code=status.HTTP_202_ACCEPTED)
def post_retrain(caller: AdminDep, jobs: JobsDep, request: Request, body: RetrainIn | None = None):
    """Queue a retrain: `{"kind": "matcher"}` (steward verdicts; a promoted matcher relinks the
    graph in place), `"risk"`, or `"all"` (default: both). Promotion is decided by the job."""
    kind = (body or RetrainIn()).kind.value
    state = request.app.state
    name = "retrain" if kind == "all" else f"retrain-{kind}"
    job = jobs.submit(name, caller.principal.name, retrain_fn(kind, state.settings, state))
    caller.decided([], job_id=job.id, job=name)
    return JobOut.model_validate(job, from_attributes=True)


@router.post("/ingest", response_model=JobOut, status_code=status.HTTP_202_ACCEPTED)
def post_ingest(caller: AdminDep, jobs: JobsDep, request: Request, body: IngestIn):
    """Queue a daily increment (a folder on the server, contract format) for the served graph:
    resolved, linked and rescored as `credgraph ingest` does; the result is the increment's report."""
    from api.services.increment import ingest_job

    job = jobs.submit("ingest", caller.principal.name, ingest_job(body, request.app.state))
    caller.decided([], job_id=job.id, job="ingest")
    return JobOut.model_validate(job, from_attributes=True)


@router.get("/{job_id}", response_model=JobOut)
def get_job(caller: AdminDep, jobs: JobsDep, job_id: str):
    return JobOut.model_validate(jobs.get(job_id), from_attributes=True)
