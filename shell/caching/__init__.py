"""The shell's fragment cache behind one front: `lookup` (asks nobody) and `fetch`, each answering with its rung.

front.py is the front; requests_cache_glue.py holds every override of the library's internals; store.py where shared
answers live (memory or Redis); per_session.py the answers kept for one session; pages.py whole pages for browsers
without a session.
"""

from .front import Answer, FragmentClient, fragment_clients
from .pages import Page, PageCache, Part
from .per_session import SessionCache, sessions

__all__ = ["Answer", "FragmentClient", "Page", "PageCache", "Part", "SessionCache", "fragment_clients", "sessions"]
