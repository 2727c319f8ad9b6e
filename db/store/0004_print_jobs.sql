-- The print queue. A redemption commits first; its printouts are queued here afterwards,
-- in their own transaction: one job per printout per printer, the PDF archive counting as
-- a printer. A job that fails (out of paper, printer offline) waits with its error and is
-- tried again later; the redemption is never touched.
CREATE TABLE print_jobs (
    job_id          TEXT PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('receipt', 'card')),
    receipt_no      TEXT NOT NULL REFERENCES redemptions (receipt_no),
    backend         TEXT NOT NULL,                -- "archive", "network:10.0.0.9:9100", …
    copy            INTEGER NOT NULL DEFAULT 0 CHECK (copy >= 0),  -- 0, or the Nth reprint
    status          TEXT NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'printed', 'failed', 'cancelled')),
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    last_error      TEXT,
    next_attempt_at TEXT NOT NULL,                -- also the lease while a job is printing
    created_at      TEXT NOT NULL,
    printed_at      TEXT,
    reprint_of      TEXT REFERENCES print_jobs (job_id),
    UNIQUE (receipt_no, kind, backend, copy)      -- queueing the same printout twice adds nothing
);
CREATE INDEX print_jobs_status ON print_jobs (status, next_attempt_at);
