"""Story fusion: the events of many articles about one real-world event become one story.

Pure Python, free of Kafka and Faust, so the worker (`stream.app.fusion`), the
offline ``fuse`` command and the tests share one implementation:

- `stream.fusion.key`: which events may ever meet (the fusion key) and who published them;
- `stream.fusion.intervals`: the days most reports agree on, and who disagrees;
- `stream.fusion.stories`: join rules, the story's state and its published record.
"""

from stream.fusion.key import fusion_key, outlet_of, report_of
from stream.fusion.stories import Fused, Fuser, fuse, is_idle, record_of

__all__ = ["Fused", "Fuser", "fuse", "is_idle", "fusion_key", "outlet_of", "record_of", "report_of"]
