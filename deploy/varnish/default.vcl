vcl 4.1;
# The edge cache in front of the newsroom's gunicorn (Varnish 7 with the xkey module from
# Debian's varnish-modules). Anonymous reads of public pages, feeds and sitemaps are kept
# until the site purges their surrogate keys (the `xkey` response header, e.g.
# "article-42 section-3 author-7 home"): the app sends `PURGE /` with an `xkey-purge`
# header naming the keys a write touched (articles/edge.py). Everything personal
# (staff, previews, the admin, forms, anything with a session) passes straight through.

import std;
import xkey;

# The app server; `make serve-edge` and the tests rewrite this address only.
backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

# Who may purge: the app servers (their task workers). Keep it to the private network.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Forbidden"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the keys to purge in xkey-purge"));
        }
        # A hard purge: the next reader gets the new page, never the purged one in grace.
        set req.http.n-gone = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.n-gone + " objects"));
    }
    # Clients may not name keys or fake what only the edge sets.
    unset req.http.xkey;
    unset req.http.xkey-purge;

    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Staff pages, previews (drafts for their editors), search (one page per query) and
    # the health check are never kept.
    if (req.url ~ "^/(admin|preview|search)(/|$)" || req.url ~ "^/healthz") {
        return (pass);
    }
    # A signed-in editor sees pages as staff (never cached by the app either).
    if (req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }

    # Tracking parameters no page reads: one cached copy for every campaign link.
    set req.url = regsuball(req.url, "([?&])(utm_[a-z_]+|fbclid|gclid|gclsrc|dclid|msclkid)=[^&]*", "\1");
    set req.url = regsuball(req.url, "&&+", "&");
    set req.url = regsub(req.url, "\?&", "?");
    set req.url = regsub(req.url, "[?&]$", "");
    set req.url = std.querysort(req.url);

    # Public pages read no cookie (analytics, consent banners, a stray csrftoken).
    unset req.http.Cookie;
    return (hash);
}

sub vcl_hash {
    # Feeds and sitemaps write absolute URLs from the host.
    hash_data(req.url);
    if (req.http.host) {
        hash_data(req.http.host);
    } else {
        hash_data(server.ip);
    }
    return (lookup);
}

sub vcl_backend_response {
    # Keep only what the app marked as shared and cacheable; anything without an explicit
    # public lifetime (a 404 from Django's handler, an error page) is fetched every time.
    if (bereq.uncacheable) {
        return (deliver);
    }
    if (beresp.http.Set-Cookie
        || beresp.http.Cache-Control ~ "(private|no-store|no-cache)"
        || beresp.http.Cache-Control !~ "(s-maxage|max-age)=[1-9]") {
        set beresp.uncacheable = true;
        set beresp.ttl = 10s;
        return (deliver);
    }
    # Varnish takes grace from stale-while-revalidate; without it (a page capped at the
    # next scheduled story) there is none, so the old page is never served once it is due.
    if (beresp.http.Cache-Control !~ "stale-while-revalidate") {
        set beresp.grace = 0s;
    }
    # Errors of the app while a stale copy exists: serve that copy for a while.
    set beresp.keep = 1h;
    return (deliver);
}

sub vcl_deliver {
    # The keys are for the edge only.
    unset resp.http.xkey;
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # The edge's lifetime is its own: browsers and other caches keep max-age only.
    if (resp.http.Cache-Control ~ "s-maxage") {
        set resp.http.Cache-Control = regsuball(resp.http.Cache-Control, ",\s*(s-maxage|stale-while-revalidate)=\d+", "");
    }
    return (deliver);
}
