from agents.base import AgentRequest, FinalAnswer, HistoryMessage, TextPiece
from agents.echo import EchoAgent


def test_it_streams_a_reply_in_sentence_pieces_then_a_final_answer() -> None:
    request = AgentRequest(
        thread_id="t",
        message="Is it sunny? Tell me.",
        history=(HistoryMessage("user", "hi"), HistoryMessage("assistant", "hello")),
        correlation_id="c",
    )
    chunks = list(EchoAgent().stream(request))
    pieces = [c.text for c in chunks if isinstance(c, TextPiece)]
    assert isinstance(chunks[-1], FinalAnswer) and chunks[-1].recommendations == []
    assert len(pieces) > 1
    reply = "".join(pieces)
    assert "Is it sunny? Tell me." in reply and "message 2" in reply
