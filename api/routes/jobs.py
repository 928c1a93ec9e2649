"""Background jobs (admin): start a retrain, follow its record."""

from __future__ import annotations

from fastapi import APIRouter, Request, status

from api.deps import AdminDep, JobsDep
from api.schemas.jobs import JobOut

router = APIRouter(prefix="/jobs", tags=["jobs"])


@router.post("/retrain", response_model=JobOut, status_code=status.HTTP_202_ACCEPTED)
def post_retrain(caller: AdminDep, jobs: JobsDep, request: Request):
    """Queue a retrain of the matcher and the risk model; promotion is decided by the job itself."""
    job = jobs.submit("retrain", caller.principal.name, request.app.state.retrain_job)
    caller.decided([], job_id=job.id, job="retrain")
    return JobOut.model_validate(job, from_attributes=True)


@router.get("/{job_id}", response_model=JobOut)
def get_job(caller: AdminDep, jobs: JobsDep, job_id: str):
    return JobOut.model_validate(jobs.get(job_id), from_attributes=True)
