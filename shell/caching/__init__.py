"""The shell's fragment cache behind one front: `lookup` (asks nobody) and `fetch`, each answering with its rung.

front.py is the front; requests_cache_glue.py holds every override of the library's internals; store.py where shared
answers live (memory or Redis); per_session.py the answers kept for one session.
"""

from .front import Answer, FragmentClient, fragment_clients
from .per_session import SessionCache, sessions

__all__ = ["Answer", "FragmentClient", "SessionCache", "fragment_clients", "sessions"]
