"""Diplomatic event extraction: triggers, actors, places, modality, merging."""
