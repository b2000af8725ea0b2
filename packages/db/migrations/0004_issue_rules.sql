-- Custom SQL migration file, put your code below! --
-- Issue titles are 1..255 Unicode code points (char_length counts code points, as the API does).
ALTER TABLE "issue" ADD CONSTRAINT "issue_title_length_ck" CHECK (char_length("title") BETWEEN 1 AND 255);
--> statement-breakpoint
-- The list's `orderBy=priority`: urgent, high, medium, low, then none (rank (priority + 4) % 5), then id.
CREATE INDEX IF NOT EXISTS "issue_workspace_priority_rank_idx" ON "issue" ("workspace_id", (("priority" + 4) % 5), "id");
