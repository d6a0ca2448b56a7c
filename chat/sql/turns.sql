-- chat_claim and chat_finish: a turn's two steps on the worker, each one round trip
-- (chat/turns/lifecycle.py).

-- chat_claim: move a queued turn to running and read what the agent needs, or say why not.
-- 'waits': an earlier turn of its thread is unfinished (that one queues this one when it
-- ends; no lock is needed: an earlier turn counts while queued *or* running, so whichever way
-- this races with it finishing, one of the two ends up queueing this turn).
-- 'not_queued': another delivery claimed it first (the conditional UPDATE changes no row), or
-- it already ended.
CREATE OR REPLACE FUNCTION chat_claim(
    p_turn_id uuid,
    p_worker text,
    p_history integer,
    OUT r_outcome text,          -- claimed | waits | not_queued
    OUT r_thread_id uuid,
    OUT r_seq bigint,
    OUT r_correlation_id text,
    OUT r_attempts integer,
    OUT r_queued_at timestamptz,
    OUT r_enqueued_at timestamptz,
    OUT r_started_at timestamptz,
    OUT r_cancel_requested_at timestamptz,
    OUT r_message text,
    OUT r_message_meta jsonb,
    OUT r_history jsonb          -- the earlier exchanges, oldest first: [{kind, content, meta}]
) LANGUAGE plpgsql AS $$
DECLARE
    v_state text;
    v_request uuid;
BEGIN
    SELECT t.state, t.thread_id, t.seq, t.correlation_id, t.queued_at, t.enqueued_at,
           t.cancel_requested_at, t.request_id
    INTO v_state, r_thread_id, r_seq, r_correlation_id, r_queued_at, r_enqueued_at,
         r_cancel_requested_at, v_request
    FROM chat_turn t WHERE t.id = p_turn_id;
    IF NOT FOUND OR v_state <> 'queued' THEN
        r_outcome := 'not_queued';
        RETURN;
    END IF;
    -- A claim need not wait for its WAL flush: if PostgreSQL crashed before the flush, the
    -- turn would be queued again, this attempt could not finish it (chat_finish wants it
    -- running and ours) and the sweep would hand it to the broker again. Accepts and finishes
    -- stay synchronous: they are what was promised.
    PERFORM set_config('synchronous_commit', 'off', true);
    -- Served by the turn_unfinished_by_thread index.
    IF EXISTS (SELECT 1 FROM chat_turn e WHERE e.thread_id = r_thread_id AND e.seq < r_seq
               AND e.state IN ('queued', 'running')) THEN
        r_outcome := 'waits';
        RETURN;
    END IF;
    UPDATE chat_turn t
    SET state = 'running', started_at = now(), attempts = t.attempts + 1, claimed_by = p_worker
    WHERE t.id = p_turn_id AND t.state = 'queued'
    RETURNING t.started_at, t.attempts INTO r_started_at, r_attempts;
    IF NOT FOUND THEN
        r_outcome := 'not_queued';
        RETURN;
    END IF;
    SELECT e.content, e.meta INTO r_message, r_message_meta FROM chat_event e WHERE e.id = v_request;
    SELECT coalesce(jsonb_agg(jsonb_build_object('kind', h.kind, 'content', h.content,
                                                 'meta', h.meta) ORDER BY h.seq), '[]'::jsonb)
    INTO r_history
    FROM (SELECT e.kind, e.content, e.meta, e.seq FROM chat_event e
          WHERE e.thread_id = r_thread_id AND e.seq < r_seq
            AND e.kind IN ('user_message', 'assistant_message')
          ORDER BY e.seq DESC LIMIT p_history) h;
    r_outcome := 'claimed';
END
$$;

-- chat_finish: end a turn with its one terminal event, or say it had already ended.
-- Every path that ends a turn (reply, failure, cancel, deadline) comes here and takes the
-- thread lock first, so two of them (a late redelivery and a deadline, say) cannot both see
-- it unfinished; the lock also keeps the thread's seq gapless. With p_worker, only that
-- worker's running attempt may end it. Also returns the thread's next waiting turn, which
-- the caller queues once this has committed.
CREATE OR REPLACE FUNCTION chat_finish(
    p_turn_id uuid,
    p_worker text,
    p_state text,
    p_kind text,
    p_content text,
    p_meta jsonb,
    p_first_token_at timestamptz,
    OUT r_outcome text,          -- finished | already_ended | not_found
    OUT r_event_id uuid,
    OUT r_thread_id uuid,
    OUT r_seq bigint,
    OUT r_in_reply_to bigint,
    OUT r_correlation_id text,
    OUT r_created_at timestamptz,
    OUT r_queued_at timestamptz,
    OUT r_next_turn_id uuid,
    OUT r_next_correlation_id text
) LANGUAGE plpgsql AS $$
BEGIN
    SELECT t.thread_id INTO r_thread_id FROM chat_turn t WHERE t.id = p_turn_id;
    IF NOT FOUND THEN
        r_outcome := 'not_found';
        RETURN;
    END IF;
    PERFORM 1 FROM chat_thread th WHERE th.id = r_thread_id FOR UPDATE;
    r_event_id := gen_random_uuid();
    r_created_at := now();
    -- The reply link is set before its event is inserted: foreign keys are checked at commit.
    UPDATE chat_turn t
    SET state = p_state, finished_at = r_created_at, reply_id = r_event_id,
        first_token_at = coalesce(p_first_token_at, t.first_token_at)
    WHERE t.id = p_turn_id AND t.state IN ('queued', 'running')
      AND (p_worker IS NULL OR (t.state = 'running' AND t.claimed_by = p_worker))
    RETURNING t.seq, t.correlation_id, t.queued_at
    INTO r_in_reply_to, r_correlation_id, r_queued_at;
    IF NOT FOUND THEN
        r_event_id := NULL;
        r_outcome := 'already_ended';
        RETURN;
    END IF;
    UPDATE chat_thread th SET head_seq = th.head_seq + 1, last_activity_at = r_created_at
    WHERE th.id = r_thread_id
    RETURNING th.head_seq INTO r_seq;
    INSERT INTO chat_event (id, thread_id, seq, kind, role, content, meta, client_msg_id,
                            in_reply_to, correlation_id, created_at)
    VALUES (r_event_id, r_thread_id, r_seq, p_kind,
            CASE p_kind WHEN 'assistant_message' THEN 'assistant' ELSE 'system' END,
            p_content, p_meta, NULL, r_in_reply_to, r_correlation_id, r_created_at);
    SELECT n.id, n.correlation_id INTO r_next_turn_id, r_next_correlation_id
    FROM chat_turn n WHERE n.thread_id = r_thread_id AND n.state = 'queued'
    ORDER BY n.seq LIMIT 1;
    r_outcome := 'finished';
END
$$;
