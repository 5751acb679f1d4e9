"""The parsed types are plain data: usable with no Django project configured."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_parsed_types_import_without_django_configured():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    script = (
        "import sys\n"
        "from articles.importers.parsed import ParsedArticle, ParsedAuthor, ParseError\n"
        "item = ParsedArticle(headline='H', source='s', external_id='1',"
        " authors=[ParsedAuthor(name='Ana')])\n"
        "assert len(item.fingerprint()) == 64 and str(ParseError('bad', path='f', line=2))\n"
        "loaded = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not loaded, loaded\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
