-- Custom SQL migration file, put your code below! --
-- Indexes for the issue list's common filters, found by the benchmark suite (bench/, docs/PERFORMANCE.md)
-- on D100k. Without them PostgreSQL fetched and sorted a whole state's rows (~1,400 heap rows, ~1,100
-- buffers) for every page of a board column, and walked the workspace's newest-first index filtering
-- out ~1,700 rows for "assigned to me".
-- Team + state, newest first; also ends a team + another team's state (zero match) at once.
CREATE INDEX IF NOT EXISTS "issue_team_state_created_idx" ON "issue" ("team_id", "state_id", "created_at", "id");
--> statement-breakpoint
-- Team + state in manual order: a board column.
CREATE INDEX IF NOT EXISTS "issue_team_state_sort_idx" ON "issue" ("team_id", "state_id", "sort_order", "id");
--> statement-breakpoint
-- Assignee (e.g. "assigned to me" across teams), newest first.
CREATE INDEX IF NOT EXISTS "issue_assignee_created_idx" ON "issue" ("assignee_id", "created_at", "id");
