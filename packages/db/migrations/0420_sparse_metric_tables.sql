-- Sparse probes (idle tables, indexes, sessions) store a row only when it moved,
-- and every row once per keyframe: readers carry the last stored row forward to the
-- probe's later runs, for up to one keyframe period (NULL: every run stores every row).
ALTER TABLE metric_catalog
  ADD COLUMN keyframe_seconds integer CHECK (keyframe_seconds BETWEEN 1 AND 86400);
