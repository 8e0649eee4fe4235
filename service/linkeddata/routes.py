"""Placeholder: the Linked Data routes (issue 4 replaces this)."""

from fastapi import APIRouter

router = APIRouter()
