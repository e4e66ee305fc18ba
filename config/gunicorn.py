"""gunicorn settings (`gunicorn -c config/gunicorn.py config.wsgi`), from the environment like everything else.

Threads, because the sandbox gateway (/sandbox-aws/) proxies each AWS CLI call synchronously to the sandbox: a
learner's slow call must not hold a whole worker process. WEB_CONCURRENCY processes x GUNICORN_THREADS threads
serve at once (docs/deploy.md sizes them). GUNICORN_CMD_ARGS (gunicorn's own variable) can add to or override this.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 20
keepalive = 5
max_requests = 2000  # recycle a process now and then (a slow leak never takes a class down)
max_requests_jitter = 200
accesslog = "-"
# The access log line without the query string: a password reset token or a `next=` never lands in a log.
access_log_format = '%(h)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
