"""The local agent: rules and the catalog, no network. The default agent, and the fallback.

One turn, in order (agent.py runs it):

- language.py: which language the person writes in, so which one to answer in;
- tr_ru_to_en.py (words in tr_ru_to_en_lexicon.py): a Turkish or Russian message → the
  English the rules read;
- en_to_slots.py (words in en_to_slots_vocabulary.py, text tools in tokens.py): English → the
  intent and the slots one message states;
- conversation.py: every user message of the thread → what the conversation has established;
- slots_to_reply.py (sentences in reply_texts.py, general answers in question_to_answer.py):
  intent and slots → the reply in the person's language, with catalog cards.

Nothing outside agents/ imports these modules: use agents.base and agents.registry.
"""
