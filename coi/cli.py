"""The ``coi`` command line. Commands parse arguments, call a library function, and print.

Every command accepts ``--workspace PATH_OR_URL`` (or the ``COI_WORKSPACE`` variable); errors
are printed as one sentence and exit with status 2, never as a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from coi.errors import CoiError

Handler = Callable[[argparse.Namespace], int]
_COMMANDS: dict[str, Handler] = {}


def command(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        _COMMANDS[name] = handler
        return handler
    return register


def build_parser() -> argparse.ArgumentParser:
    from coi.importers import FORMATS
    from coi.storage import default_location

    parser = argparse.ArgumentParser(
        prog="coi", description="Community of Inquiry discussion coding: import discussion "
        "exports, code posts, see presences and facilitation suggestions.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"coi {_version()}")
    workspace_help = ("workspace database: a SQLite file path or a database URL "
                      f"(default: $COI_WORKSPACE or {default_location()})")
    parser.add_argument("--workspace", metavar="PATH_OR_URL", default=None, help=workspace_help)
    workspace = argparse.ArgumentParser(add_help=False)
    workspace.add_argument("--workspace", metavar="PATH_OR_URL", default=argparse.SUPPRESS,
                           help=workspace_help)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = commands.add_parser(
        "import", parents=[workspace], help="import a discussion export into the workspace",
        description="Import a discussion export. The format is detected from the content; "
        "formats: " + "; ".join(f"{k} = {v}" for k, v in FORMATS.items()) + ". Problems are "
        "listed with file, row and field; valid posts are always kept.")
    p.add_argument("file", help="export file, or an unpacked Slack export folder")
    p.add_argument("--format", choices=sorted(FORMATS), help="skip detection and read the "
                   "file as this format")
    p.add_argument("--column", action="append", default=[], metavar="CANONICAL=SOURCE",
                   help="map a file column to a coi column for generic tables, e.g. "
                   "--column text=Body --column thread_id=Topic (repeatable). coi columns: "
                   "post_id, thread_id, parent_id, author, author_id, role, created_at, title, "
                   "text, forum")
    p.add_argument("--roles", metavar="FILE", help="CSV/XLSX with two columns, user "
                   "(name or platform user id) and role (instructor, facilitator, student; "
                   "platform names like TeacherEnrollment or editingteacher work too)")
    p.add_argument("--forum", default="", help="course/forum/channel name when the export "
                   "has none (default: the file name)")
    p.add_argument("--timezone", default="UTC", help="timezone of times written without one "
                   "(IANA name, e.g. Europe/Berlin; default UTC)")
    p.add_argument("--pseudonymize", action="store_true", help="replace author names (also "
                   "inside posts) by stable pseudonyms like 'Participant 07'")
    p.add_argument("--key-file", metavar="FILE", help="where the pseudonym key (real name → "
                   "pseudonym) is kept, apart from the workspace (default: beside the "
                   "workspace file, <workspace>.pseudonym-key.json)")
    p.add_argument("--name", help="name of the discussion in the workspace (default: file "
                   "name)")
    p.add_argument("--quiet", action="store_true", help="print only the summary line")

    p = commands.add_parser("list", parents=[workspace],
                            help="list discussions (or the threads of one)",
                            description="List the workspace's discussions, or with "
                            "--threads the threads of one discussion.")
    p.add_argument("--threads", action="store_true", help="list threads instead")
    p.add_argument("--discussion", type=int, help="discussion id (default: the latest)")

    p = commands.add_parser("show", parents=[workspace], help="print one thread as a tree",
                            description="Print a thread's reply tree: author, role, time and "
                            "the start of each post.")
    p.add_argument("thread", help="thread id (see `coi list --threads`)")
    p.add_argument("--discussion", type=int, help="discussion id (default: the latest)")
    p.add_argument("--full", action="store_true", help="print whole posts")

    p = commands.add_parser(
        "export", parents=[workspace], help="export a discussion's posts",
        description="Write a discussion's posts with the canonical columns (post_id, "
        "thread_id, parent_id, author, role, created_at, title, text, raw_text, platform, "
        "forum, placeholder, depth, position, n_replies, is_starter). CSV and XLSX cells that "
        "a spreadsheet would run as formulas are neutralised.")
    p.add_argument("--format", choices=["csv", "xlsx", "jsonl", "parquet"], default=None,
                   help="output format (default: from the -o suffix, else csv)")
    p.add_argument("-o", "--output", help="output file (default: standard output for csv and "
                   "jsonl)")
    p.add_argument("--discussion", type=int, help="discussion id (default: the latest)")

    for extra in _EXTRA_PARSERS:
        extra(commands, workspace)
    return parser


#: Later modules (coding, suggestions, agreement…) add their sub-commands here.
_EXTRA_PARSERS: list[Callable[[argparse._SubParsersAction, argparse.ArgumentParser], None]] = []


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except CoiError as exc:
        print(f"coi: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("coi: interrupted; nothing half-written was kept", file=sys.stderr)
        return 130


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("coi")
    except PackageNotFoundError:
        return "unknown"


def open_workspace(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from coi.storage import Workspace

    return Workspace(args.workspace)


def parse_mapping(pairs: list[str], option: str) -> dict[str, str]:
    mapping = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise CoiError(f"{option} expects CANONICAL=SOURCE, got {pair!r}")
        mapping[key.strip()] = value.strip()
    return mapping


@command("import")
def _import(args: argparse.Namespace) -> int:
    from coi.importers import import_file, read_roles
    from coi.privacy import Pseudonymizer, default_key_file

    workspace = open_workspace(args)
    pseudonymizer = None
    if args.pseudonymize:
        key_file = args.key_file or default_key_file(workspace.url)
        pseudonymizer = Pseudonymizer(key_file=key_file)
    roles = read_roles(args.roles) if args.roles else {}
    columns = parse_mapping(args.column, "--column")
    result = import_file(args.file, args.format, columns=columns, roles=roles,
                         forum=args.forum, timezone=args.timezone, pseudonymizer=pseudonymizer)
    if args.name:
        result.name = args.name
    stored = workspace.add(result, pseudonymized=args.pseudonymize, options={
        "columns": columns, "roles": roles, "forum": args.forum, "timezone": args.timezone})
    if not args.quiet:
        for issue in result.report.issues:
            print(f"  {issue}")
    print(result.report.summary())
    state = "stored as" if stored.created else "already in the workspace as"
    print(f"{state} discussion {stored.id} ({stored.name}) in {workspace.display_url}")
    if pseudonymizer is not None:
        print(f"pseudonym key: {pseudonymizer.key_file} (keep it apart from shared data)")
    return 0


@command("list")
def _list(args: argparse.Namespace) -> int:
    workspace = open_workspace(args)
    if args.threads:
        from coi.analytics import thread_table

        table = thread_table(workspace.posts(args.discussion))
        print(table.to_string(index=False) if len(table) else "no threads")
        return 0
    discussions = workspace.discussions()
    if not discussions:
        print(f"no discussions in {workspace.display_url}; import one with `coi import FILE`")
        return 0
    print(f"{'id':>4}  {'name':<30} {'format':<10} {'posts':>7} {'threads':>7}  imported")
    for d in discussions:
        flag = " (pseudonymized)" if d.pseudonymized else ""
        print(f"{d.id:>4}  {d.name[:30]:<30} {d.format:<10} {d.n_posts:>7} {d.n_threads:>7}  "
              f"{d.imported_at:%Y-%m-%d %H:%M}{flag}")
    return 0


@command("show")
def _show(args: argparse.Namespace) -> int:
    from coi.analytics import render_thread_tree

    workspace = open_workspace(args)
    posts = workspace.posts(args.discussion, thread_id=args.thread)
    if posts.empty:
        raise CoiError(f"no thread '{args.thread}' in this discussion; `coi list --threads` "
                       "shows the thread ids")
    print(render_thread_tree(posts, full=args.full))
    return 0


@command("export")
def _export(args: argparse.Namespace) -> int:
    from coi.exporting import format_from_path, table_bytes, write_table

    workspace = open_workspace(args)
    posts = workspace.posts(args.discussion)
    format = args.format or (format_from_path(args.output) if args.output else "csv")
    if args.output:
        path = write_table(posts, args.output, format)
        print(f"wrote {len(posts)} posts to {path}", file=sys.stderr)
        return 0
    if format in {"xlsx", "parquet"}:
        raise CoiError(f"{format} is binary; give an output file with -o")
    sys.stdout.buffer.write(table_bytes(posts, format))
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
