-- The previous operation of an entity (its newest before a given version), from which the sync
-- gateway derives field-level patches of issue updates (apps/server/src/sync/oplog.ts).
CREATE INDEX "sync_operation_entity_idx" ON "sync_operation" USING btree ("entity_id","version","seq");
