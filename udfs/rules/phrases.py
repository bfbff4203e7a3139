"""The vocabulary of web boilerplate: phrases, UI labels, menu items, social networks."""
from __future__ import annotations

import re

from lakerefine.udfs.rules.text import word_count

# A phrase that marks a short line as boilerplate (cookie banners, footers,
# subscribe and share prompts, bylines, captions).
STRONG_PHRASES = re.compile("|".join([
    r"\bcookies?\b.{0,60}\b(?:use|uses|using|accept|consent|policy|settings|preferences|experience)\b",
    r"\b(?:we|this (?:site|website)) uses? cookies\b",
    r"\ball rights reserved\b",
    r"©",
    r"\bcopyright\s*(?:©|\(c\)|\d{4})",
    r"\(c\)\s*(?:19|20)\d\d\b",
    r"\bfollow us\b",
    r"\blike us on\b",
    r"\bsubscribe (?:to|for|now|today)\b",
    r"\bsign up (?:for|to|now|today)\b",
    r"\bnewsletter\b.{0,40}\b(?:sign|subscribe|inbox|email)\b",
    r"\b(?:delivered to|straight to|in) your inbox\b",
    r"\benter your e-?mail\b",
    r"\bshare (?:this|on|via|with your)\b",
    r"^\s*share(?: this(?: article| story| post)?)?\s*:",
    r"\bskip to (?:main )?content\b",
    r"\bjump to (?:navigation|content|main content|search)\b",
    r"\bback to top\b",
    r"\b(?:enable|turn on) javascript\b",
    r"\bprivacy policy\b",
    r"\bterms (?:of|and) (?:use|service|conditions)\b",
    r"\bby (?:continuing|using) (?:to (?:use|browse) )?(?:this|our) (?:site|website)\b",
    r"\b(?:related|recommended|popular|trending|more) (?:articles|posts|stories|news)\b",
    r"\byou (?:may|might) also (?:like|enjoy)\b",
    r"\bleave a (?:comment|reply)\b",
    r"^\s*(?:posted|published|written) (?:by|on|in)\b",
    r"^\s*(?:tags|filed under|categories)\s*:",
    r"\b\d+ comments?\b",
    r"\bupdated \d+ (?:minutes?|hours?|days?) ago\b",
    r"^\s*(?:photo|image|picture|video)s?(?: credit)?\s*:",
]), re.IGNORECASE)
# Substrings one of which every STRONG_PHRASES match contains (a cheap pre-filter).
STRONG_KEYS = (
    "cookie", "rights reserved", "©", "copyright", "(c)", "follow us", "like us on", "subscribe",
    "sign up", "newsletter", "inbox", "enter your", "share", "skip to", "jump to", "back to top",
    "javascript", "privacy policy", "terms ", "by continuing", "by using", "articles", "posts",
    "stories", "news", "also like", "also enjoy", "leave a", "posted", "published", "written",
    "tags", "filed under", "categories", "comment", " ago", "photo", "image", "picture", "video",
)
# Phrases that mark only very short lines ("Click here", "Powered by WordPress").
WEAK_PHRASES = re.compile(r"\b(?:powered by|click here|read more|continue reading)\b", re.IGNORECASE)
MAX_WEAK_PHRASE_WORDS = 8

# Whole lines that are user-interface labels ("Read more", "Share", "Log in"),
# compared after ``label_text``.
UI_LABELS = frozenset((
    "advertisement", "advertisements", "advertising", "sponsored", "sponsored content", "ad",
    "read more", "continue reading", "show more", "load more", "see more", "see all", "view all",
    "share", "share this", "tweet", "pin it", "email this", "print", "print this page",
    "log in", "login", "log out", "sign in", "sign up", "sign out", "register",
    "subscribe", "subscribe now", "reply", "comments", "leave a comment", "post a comment",
    "loading", "loading comments", "back to top", "skip to content", "skip to main content",
    "jump to navigation", "top of page", "accept", "accept all", "accept cookies", "reject all",
    "manage cookies", "cookie settings", "got it", "previous", "next", "previous article",
    "next article", "previous post", "next post", "older posts", "newer posts",
))
# Items of menus written one per line.
MENU_ITEMS = UI_LABELS | frozenset((
    "home", "about", "about us", "contact", "contact us", "news", "sport", "sports",
    "business", "world", "politics", "opinion", "culture", "lifestyle", "travel",
    "technology", "tech", "science", "health", "entertainment", "video", "videos", "photos",
    "blog", "shop", "store", "careers", "jobs", "events", "faq", "help", "support", "terms",
    "privacy", "cookies", "sitemap", "site map", "archive", "archives", "newsletter",
    "search", "menu", "more", "weather", "local", "national", "international", "markets",
    "money", "food", "style", "arts", "books", "music", "film",
))
# Share buttons flattened to text: "Facebook Twitter Email".
SOCIAL_WORDS = frozenset((
    "facebook", "twitter", "x", "linkedin", "whatsapp", "email", "e-mail", "mail", "reddit",
    "pinterest", "instagram", "youtube", "tiktok", "telegram", "tumblr", "print", "copy", "link",
    "share", "tweet", "messenger",
))
# Headers of lists of links to other pages, whose items are headlines.
LIST_HEADERS = frozenset((
    "related", "related articles", "related stories", "related posts", "related content",
    "related links", "more stories", "more news", "more from", "you may also like",
    "you might also like", "recommended", "recommended for you", "read next", "most popular",
    "most read", "popular posts", "trending", "trending now", "latest news", "top stories",
))
BREADCRUMB_ROOTS = frozenset(("home", "homepage", "main page", "start", "front page"))
MAX_LABEL_CHARS = 60


def label_text(line: str) -> str:
    """The line as a UI label: lower-cased, counts, arrows and punctuation dropped."""
    text = re.sub(r"\d+", " ", line.lower())
    text = re.sub(r"[^\w\s-]|(?<!\w)-|-(?!\w)", " ", text)
    return " ".join(text.split())


def has_strong_phrase(line: str) -> bool:
    lowered = line.lower()
    return any(key in lowered for key in STRONG_KEYS) and bool(STRONG_PHRASES.search(line))


def has_weak_phrase(line: str) -> bool:
    return word_count(line) <= MAX_WEAK_PHRASE_WORDS and bool(WEAK_PHRASES.search(line))


def is_ui_label(line: str) -> bool:
    stripped = line.strip()
    if len(line) > MAX_LABEL_CHARS or not stripped or stripped[0] in ">|:}#":
        return False
    label = label_text(line)
    words = label.split()
    return label in UI_LABELS or (bool(words) and all(word in SOCIAL_WORDS for word in words))
