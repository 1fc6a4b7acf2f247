"""A JSON API over an in-memory store, written with class-based views.

    GET    /notes         the list          POST   /notes       {"text": "..."} -> 201
    GET    /notes/{id}    one note          PUT    /notes/{id}  {"text": "..."}
    DELETE /notes/{id}    -> 204

Bad JSON or a missing "text" is a 400 with a JSON error body; an unknown id a 404.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from aiostrata import web


@dataclass
class NoteStore:
    notes: dict[int, str] = field(default_factory=dict)
    ids: Iterator[int] = field(default_factory=lambda: itertools.count(1))


store_key = web.AppKey("store_key", NoteStore)


def _error(status: type[web.HTTPException], message: str) -> web.HTTPException:
    return status(text=json.dumps({"error": message}), content_type="application/json")


async def _text_from(request: web.Request) -> str:
    try:
        body: Any = await request.json()
    except ValueError:
        raise _error(web.HTTPBadRequest, "the body is not JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        raise _error(web.HTTPBadRequest, 'expected {"text": "..."}')
    text: str = body["text"]
    return text


class NotesView(web.View):
    async def get(self) -> web.Response:
        notes = self.request.app[store_key].notes
        return web.json_response([{"id": i, "text": t} for i, t in notes.items()])

    async def post(self) -> web.Response:
        store = self.request.app[store_key]
        text = await _text_from(self.request)
        note_id = next(store.ids)
        store.notes[note_id] = text
        location = self.request.app.router["note"].url_for(id=str(note_id))
        return web.json_response(
            {"id": note_id, "text": text}, status=201, headers={"Location": str(location)}
        )


class NoteView(web.View):
    def _id(self) -> int:
        note_id = int(self.request.match_info["id"])
        if note_id not in self.request.app[store_key].notes:
            raise _error(web.HTTPNotFound, f"no note {note_id}")
        return note_id

    async def get(self) -> web.Response:
        note_id = self._id()
        text = self.request.app[store_key].notes[note_id]
        return web.json_response({"id": note_id, "text": text})

    async def put(self) -> web.Response:
        note_id = self._id()
        text = await _text_from(self.request)
        self.request.app[store_key].notes[note_id] = text
        return web.json_response({"id": note_id, "text": text})

    async def delete(self) -> web.Response:
        del self.request.app[store_key].notes[self._id()]
        return web.Response(status=204)


def init_app(argv: Sequence[str] | None = None) -> web.Application:
    app = web.Application()
    app[store_key] = NoteStore()
    app.router.add_view("/notes", NotesView)
    app.router.add_view(r"/notes/{id:\d+}", NoteView, name="note")
    return app


if __name__ == "__main__":
    web.run_app(init_app(), host="127.0.0.1", port=8080)
