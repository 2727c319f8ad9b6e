-- The shown balance adds the effect of this store's events head office has not yet
-- acknowledged (desktop/store/members.py::unconfirmed_effect). Without an index that read
-- scanned every unacknowledged event on each scan of a member: 0.87 ms with 1,050 waiting,
-- growing with a long outage. Indexed by the member the event is about, then its seq.
CREATE INDEX outbox_member ON outbox (json_extract(payload, '$.member_id'), seq);
