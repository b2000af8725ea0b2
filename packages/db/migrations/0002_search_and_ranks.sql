-- Custom SQL migration file, put your code below! --
-- Ranks are fractional-index strings compared byte-wise, the same order as JavaScript's `<`.
ALTER TABLE "issue" ALTER COLUMN "sort_order" TYPE text COLLATE "C";
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "issue_title_trgm_idx" ON "issue" USING gin ("title" gin_trgm_ops);
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "label_scope_name_uq" ON "label" ("workspace_id", coalesce("team_id", '00000000-0000-0000-0000-000000000000'::uuid), coalesce("parent_id", '00000000-0000-0000-0000-000000000000'::uuid), lower("name")) WHERE "archived_at" IS NULL;
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "reaction_issue_uq" ON "reaction" ("issue_id", "user_id", "emoji") WHERE "issue_id" IS NOT NULL;
--> statement-breakpoint
CREATE UNIQUE INDEX IF NOT EXISTS "reaction_comment_uq" ON "reaction" ("comment_id", "user_id", "emoji") WHERE "comment_id" IS NOT NULL;
