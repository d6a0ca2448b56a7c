from chat.sockets.cursors import Action, DeliveryCursor


def test_it_sends_the_next_seq_drops_repeats_and_fills_gaps() -> None:
    cursor = DeliveryCursor(delivered_seq=3)
    assert cursor.action_for(2) is Action.DROP
    assert cursor.action_for(3) is Action.DROP
    assert cursor.action_for(4) is Action.SEND
    assert cursor.action_for(6) is Action.FILL_GAP
    cursor.sent(4)
    assert cursor.delivered_seq == 4 and cursor.action_for(4) is Action.DROP


def test_it_refuses_to_record_a_send_out_of_order() -> None:
    cursor = DeliveryCursor(delivered_seq=1)
    try:
        cursor.sent(3)
    except AssertionError:
        return
    raise AssertionError("a skipped seq was recorded as sent")


def test_a_stream_cursor_trims_what_a_socket_already_has() -> None:
    from chat.sockets.cursors import StreamCursor

    cursor = StreamCursor()
    cursor.sent(5, 0, "Hello wor")  # the text so far, sent on joining
    assert cursor.unsent(5, 0, "Hello ") is None  # all of it already sent
    assert cursor.unsent(5, 6, "world!") == (9, "ld!")  # the overlap is cut
    assert cursor.unsent(5, 12, " Bye") == (12, " Bye")
    assert cursor.unsent(7, 0, "Next") == (0, "Next")  # another turn starts afresh
    cursor.ended(5)
    assert cursor.unsent(5, 0, "x") == (0, "x")
