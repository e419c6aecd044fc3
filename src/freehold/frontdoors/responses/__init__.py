"""OpenAI's Responses API (``POST /v1/responses``) as a front door over the canonical chat format.

``request`` turns a Responses request into a chat body, ``output`` a chat completion into a
``response`` object, and ``stream`` a chat SSE stream into the Responses event stream. All of it
is pure translation; ``api/responses_routes.py`` does the I/O and keeps stored responses.
"""

from freehold.frontdoors.responses.output import (
    new_response_id,
    output_items,
    response_from_completion,
    skeleton,
    usage_from_chat,
)
from freehold.frontdoors.responses.request import (
    ResponsesRequest,
    items_to_messages,
    normalize_input,
    parse_request,
    to_chat,
)
from freehold.frontdoors.responses.stream import StreamTranslator

__all__ = [
    "ResponsesRequest",
    "StreamTranslator",
    "items_to_messages",
    "new_response_id",
    "normalize_input",
    "output_items",
    "parse_request",
    "response_from_completion",
    "skeleton",
    "to_chat",
    "usage_from_chat",
]
