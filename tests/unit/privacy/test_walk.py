"""walk.py: which texts of a canonical request a policy sees, beyond messages, and how they are written back."""

from __future__ import annotations

import base64
from typing import Any

from freehold.privacy.walk import chat_slots


def b64(text: str, media: str = "text/plain") -> str:
    return f"data:{media};base64," + base64.b64encode(text.encode()).decode()


def body() -> dict[str, Any]:
    return {
        "messages": [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "hi"},
                    {"type": "file", "file": {"filename": "a.md", "file_data": b64("mail a@b.io")}},
                    {"type": "file", "file": {"file_data": b64("%PDF", "application/pdf")}},
                    {"type": "file", "file": {"file_data": "data:text/plain;base64,@@not base64@@"}},
                    {
                        "type": "file",
                        "file": {"file_data": "data:text/csv;base64," + base64.b64encode(b"\xff\xfe").decode()},
                    },
                    {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
                    {"type": "input_audio", "input_audio": {"data": "AAAA", "format": "wav"}},
                ],
            }
        ],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "f",
                    "description": "tool text",
                    "parameters": {"type": "object", "properties": {"x": {"enum": ["e1", "e2"], "description": "d"}}},
                },
            }
        ],
        "functions": [{"name": "g", "description": "legacy"}],
        "response_format": {
            "type": "json_schema",
            "json_schema": {"name": "n", "description": "fmt", "schema": {"const": "c"}},
        },
    }


def test_every_text_is_a_slot_and_unreadable_parts_are_counted() -> None:
    texts = chat_slots(body())
    seen = [slot.text for slot in texts.slots]
    assert seen == ["hi", "a.md", "mail a@b.io", "tool text", "object", "e1", "e2", "d", "legacy", "fmt", "c"]
    # The PDF, the bad base64 and the undecodable text are files no detector read; so are the image and audio.
    assert texts.unscanned == {"file": 3, "image": 1, "audio": 1}


def test_a_rewritten_text_file_is_re_encoded_with_its_media_type_and_names_stay() -> None:
    request = body()
    texts = chat_slots(request)
    for slot in texts.slots:
        slot.write(slot.text.replace("a@b.io", "<EMAIL_1>").replace("e1", "<X_1>"))
    texts.commit()
    file = request["messages"][0]["content"][1]["file"]
    assert file["file_data"] == b64("mail <EMAIL_1>")
    props = request["tools"][0]["function"]["parameters"]["properties"]
    assert list(props) == ["x"] and props["x"]["enum"] == ["<X_1>", "e2"]


def test_untouched_files_are_not_re_encoded() -> None:
    request = body()
    data = "data:text/plain;base64," + base64.b64encode(b"plain").decode()
    request["messages"][0]["content"][1]["file"]["file_data"] = data
    texts = chat_slots(request)
    texts.commit()
    assert request["messages"][0]["content"][1]["file"]["file_data"] is data
