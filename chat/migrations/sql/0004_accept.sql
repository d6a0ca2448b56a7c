-- chat_accept: a person's message, stored with its turn in one round trip (chat/messages.py).
--
-- In one transaction: find (or create) the caller's active thread when none is named; lock
-- the thread row and check its owner; answer a resend of a stored client_msg_id with the first
-- acceptance; otherwise allocate the next seq and store the user_message event and its queued
-- turn. The thread row lock makes seq gapless (the increment and the inserts commit together)
-- and serialises resends (the second one sees the first one's row).
CREATE OR REPLACE FUNCTION chat_accept(
    p_user_id integer,
    p_thread_id uuid,
    p_client_msg_id uuid,
    p_may_be_resend boolean,
    p_content text,
    p_correlation_id text,
    p_meta jsonb,
    OUT r_outcome text,          -- accepted | idempotent | not_found | forbidden
    OUT r_thread_id uuid,
    OUT r_message_id uuid,
    OUT r_seq bigint,
    OUT r_client_msg_id uuid,
    OUT r_correlation_id text,
    OUT r_created_at timestamptz,
    OUT r_turn_id uuid,
    OUT r_turn_state text
) LANGUAGE plpgsql AS $$
DECLARE
    v_owner integer;
    v_now timestamptz := now();
BEGIN
    r_thread_id := p_thread_id;
    IF r_thread_id IS NULL THEN
        SELECT t.id INTO r_thread_id FROM chat_thread t WHERE t.owner_id = p_user_id AND t.is_active;
        IF r_thread_id IS NULL THEN
            -- one_active_thread_per_owner: a concurrent first message may have made it first.
            INSERT INTO chat_thread (id, owner_id, title, is_active, head_seq, created_at,
                                     last_activity_at)
            VALUES (gen_random_uuid(), p_user_id, '', true, 0, v_now, v_now)
            ON CONFLICT DO NOTHING
            RETURNING id INTO r_thread_id;
            IF r_thread_id IS NULL THEN
                SELECT t.id INTO r_thread_id FROM chat_thread t
                WHERE t.owner_id = p_user_id AND t.is_active;
            END IF;
        END IF;
    END IF;

    SELECT t.owner_id INTO v_owner FROM chat_thread t WHERE t.id = r_thread_id FOR UPDATE;
    IF NOT FOUND THEN
        r_outcome := 'not_found';
        RETURN;
    END IF;
    IF v_owner <> p_user_id THEN
        r_outcome := 'forbidden';
        RETURN;
    END IF;

    IF p_may_be_resend THEN
        SELECT e.id, e.seq, e.client_msg_id, e.correlation_id, e.created_at, tu.id, tu.state
        INTO r_message_id, r_seq, r_client_msg_id, r_correlation_id, r_created_at, r_turn_id,
             r_turn_state
        FROM chat_event e JOIN chat_turn tu ON tu.request_id = e.id
        WHERE e.thread_id = r_thread_id AND e.client_msg_id = p_client_msg_id;
        IF FOUND THEN
            r_outcome := 'idempotent';
            RETURN;
        END IF;
    END IF;

    UPDATE chat_thread t SET head_seq = t.head_seq + 1, last_activity_at = v_now
    WHERE t.id = r_thread_id
    RETURNING t.head_seq INTO r_seq;
    r_message_id := gen_random_uuid();
    r_turn_id := gen_random_uuid();
    r_client_msg_id := p_client_msg_id;
    r_correlation_id := p_correlation_id;
    r_created_at := v_now;
    r_turn_state := 'queued';
    INSERT INTO chat_event (id, thread_id, seq, kind, role, content, meta, client_msg_id,
                            in_reply_to, correlation_id, created_at)
    VALUES (r_message_id, r_thread_id, r_seq, 'user_message', 'user', p_content, p_meta,
            p_client_msg_id, NULL, p_correlation_id, v_now);
    INSERT INTO chat_turn (id, thread_id, request_id, seq, state, reply_id, correlation_id,
                           attempts, claimed_by, queued_at, enqueued_at, cancel_requested_at,
                           started_at, first_token_at, finished_at)
    VALUES (r_turn_id, r_thread_id, r_message_id, r_seq, 'queued', NULL, p_correlation_id, 0, '',
            v_now, v_now, NULL, NULL, NULL, NULL);
    r_outcome := 'accepted';
END
$$;
