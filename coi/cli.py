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
    p.add_argument("--group-conversations", type=int, metavar="MINUTES", help="chat channels "
                   "without threads (Slack/Teams): group stand-alone messages into "
                   "conversations when less than MINUTES apart or linked by @mentions")
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

    p = commands.add_parser(
        "code", help="import an export, code every post, write the coded table",
        description="Import any supported export (format detected), code every post with the "
        "CoI pipeline and write one row per post: post_id, thread_id, social, cognitive, "
        "teaching, sp_affective, sp_interactive, sp_cohesive, tp_design, tp_facilitation, "
        "tp_direct, cp_phase, needs_reply, p_<code> probabilities, evidence (JSON), "
        "n_evidence. Placeholders (deleted or empty posts) are not coded.")
    p.add_argument("file", help="discussion export (any format `coi import` reads)")
    p.add_argument("-o", "--output", required=True, help="output file: .csv, .xlsx, .jsonl "
                   "or .parquet")
    p.add_argument("--model", help="model folder made by `coi train` (default: "
                   "$COI_MODEL or models/coi-default)")
    p.add_argument("--format", dest="input_format", choices=sorted(FORMATS),
                   help="input format (default: detect)")
    p.add_argument("--n-process", type=int, default=1, help="worker processes for spaCy "
                   "(default 1; 2 helps on large exports)")
    p.add_argument("--batch-size", type=int, default=256, help="posts per batch (default 256)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--scheduler", nargs="?", const="local", metavar="ADDRESS",
                   help="code a canonical Parquet dataset (`coi export --format parquet`) on a "
                   "Dask cluster: the scheduler's address (tcp://host:8786), or no address for "
                   "a local cluster; -o is then a folder of partitioned Parquet")
    p.add_argument("--workers", type=int, default=2, help="local cluster workers (default 2)")

    p = commands.add_parser(
        "train", help="train a coding model from labelled posts",
        description="Train a model (textcats per codebook dimension + a combiner over thread "
        "context and evidence) from labelled posts: a CSV/JSONL/Parquet table of posts whose "
        "code columns use the output schema's names (sp_affective, …, cp_phase, "
        "needs_reply), or the project's annotation export. Reproducible with --seed.")
    p.add_argument("--data", required=True, help="labelled posts (.csv, .jsonl, .parquet), or "
                   "'bootstrap' for the bundled corpus; a 'split' column (train/dev/test) is "
                   "honoured, test rows are never trained on")
    p.add_argument("--out", required=True, help="output model folder (replaced atomically)")
    p.add_argument("--seed", type=int, default=13, help="random seed (default 13)")
    p.add_argument("--architecture", choices=["bow", "ensemble"], default="bow",
                   help="textcat architecture: bow (default; hashed n-grams) or ensemble "
                   "(bow + CNN)")
    p.add_argument("--folds", type=int, default=4, help="cross-fitting folds for the "
                   "combiner (default 4)")
    p.add_argument("--max-epochs", type=int, default=25, help="textcat epochs (default 25)")
    p.add_argument("--codebook", help="codebook TOML (default: the bundled CoI template)")
    p.add_argument("--patterns", help="indicator patterns JSONL (default: bundled)")
    p.add_argument("--evaluate-on", default="test", help="after training, evaluate on this "
                   "split of --data when present (default: test); writes metrics.json")

    p = commands.add_parser(
        "suggest", help="rank threads by attention and print facilitation suggestions",
        description="Import an export (any supported format), code it, and print the threads "
        "ranked by an attention score with their facilitation suggestions: signal id, "
        "thread id, evidence post ids, recommended move and its source in the CoI literature. "
        "Rules and thresholds live in coi/data/suggestions/rules.toml.")
    p.add_argument("file", help="discussion export")
    p.add_argument("--json", help="also write threads and suggestions as JSON here")
    p.add_argument("--model", help="model folder (default: the default model)")
    p.add_argument("--format", dest="input_format", choices=sorted(FORMATS),
                   help="input format (default: detect)")
    p.add_argument("--roles", metavar="FILE", help="roles file (as for `coi import`)")
    p.add_argument("--set", action="append", default=[], metavar="SIGNAL.PARAM=VALUE",
                   help="change a threshold, e.g. --set inquiry_stalled.min_posts=12 "
                   "(repeatable)")
    p.add_argument("--top", type=int, default=20, help="threads to print (default 20)")

    p = commands.add_parser(
        "access", help="manage who may sign in to a served dashboard",
        description="Users for the dashboard's token sign-in (set COI_ACCESS_FILE to the file "
        "when serving). Leads see their projects (all when none are listed) and run "
        "agreement, negotiation and training; coders only annotate their own projects.")
    p.add_argument("action", choices=["add-user", "list"])
    p.add_argument("name", nargs="?", help="user name (add-user)")
    p.add_argument("--role", choices=["lead", "coder"], default="coder")
    p.add_argument("--projects", default="", help="comma-separated project names")
    p.add_argument("--email", default="", help="e-mail for OIDC sign-in (st.login)")
    p.add_argument("--file", help="access file (default: $COI_ACCESS_FILE)")

    p = commands.add_parser(
        "import-codes", parents=[workspace], help="load a codes table into a coding project",
        description="Load human codes (a CSV/JSONL/XLSX table with post_id, an optional coder "
        "column, and code columns named as in the coding output, e.g. the project export) "
        "into a coding project of a stored discussion; the project is created if needed.")
    p.add_argument("file", help="codes table")
    p.add_argument("--project", required=True, help="project name")
    p.add_argument("--discussion", type=int, help="discussion id (default: the latest)")
    p.add_argument("--coder", default="imported", help="coder name for rows without a coder "
                   "column (default: imported)")

    p = commands.add_parser(
        "agreement", help="inter-rater agreement of a codes table",
        description="Agreement per code column of a long table (one row per post_id and "
        "coder; columns named as in the coding output: cp_phase, sp_affective, …; empty = "
        "not coded): percent agreement (Holsti), Cohen's kappa per pair of coders, "
        "Krippendorff's alpha (nominal; ordinal for cp_phase), Gwet's AC1, confusion tables.")
    p.add_argument("codes", help="CSV/JSONL/XLSX codes table")
    p.add_argument("--json", help="write the statistics as JSON (keyed by dimension, then "
                   "statistic)")
    p.add_argument("--columns", help="comma-separated code columns (default: all but "
                   "post_id, coder, memo)")

    p = commands.add_parser(
        "evaluate", help="compare a model's codes with human codes",
        description="Code labelled posts with a model and print per-dimension Cohen's kappa "
        "and accuracy, per-code precision/recall/F1 and the cognitive-phase confusion matrix.")
    p.add_argument("--model", help="model folder (default: the default model)")
    p.add_argument("--data", required=True, help="labelled posts (.csv, .jsonl, .parquet), or "
                   "'bootstrap' for the bundled corpus")
    p.add_argument("--split", help="only posts whose 'split' column has this value (e.g. test)")
    p.add_argument("--json", help="also write the metrics here as JSON")
    return parser


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
                         forum=args.forum, timezone=args.timezone, pseudonymizer=pseudonymizer,
                         group_minutes=args.group_conversations)
    if args.name:
        result.name = args.name
    stored = workspace.add(result, pseudonymized=args.pseudonymize, options={
        "columns": columns, "roles": roles, "forum": args.forum, "timezone": args.timezone,
        "group_minutes": args.group_conversations})
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


@command("code")
def _code(args: argparse.Namespace) -> int:
    from coi.exporting import write_table
    from coi.importers import import_file
    from coi.pipeline import code, load_model

    if args.scheduler:
        from coi.distributed import code_parquet

        summary = code_parquet(args.file, args.output, model=args.model,
                               scheduler=args.scheduler, workers=args.workers)
        print(f"coded {summary['posts']} posts in {summary['seconds']} s; wrote "
              f"{summary['files']} Parquet files to {args.output}", file=sys.stderr)
        return 0
    result = import_file(args.file, args.input_format)
    print(result.report.summary(), file=sys.stderr)
    nlp = load_model(args.model)
    bar = None
    if not args.quiet:
        from tqdm import tqdm

        bar = tqdm(total=int((~result.posts["placeholder"]).sum()), unit="post",
                   desc="coding", file=sys.stderr)

    def progress(done: int, total: int) -> None:
        if bar is not None:
            bar.update(done - bar.n)

    coded = code(result, model=nlp, n_process=args.n_process, batch_size=args.batch_size,
                 progress=progress)
    if bar is not None:
        bar.close()
    path = write_table(coded, args.output)
    print(f"wrote {len(coded)} coded posts to {path}", file=sys.stderr)
    return 0


@command("train")
def _train(args: argparse.Namespace) -> int:
    import json

    from coi.codebook import load_codebook
    from coi.pipeline.build import patterns_path
    from coi.pipeline.evaluation import evaluate, format_report
    from coi.pipeline.labels import coded_dimensions, read_labelled
    from coi.pipeline.modelcard import write_model_card
    from coi.pipeline.training import TrainingOptions, train_model

    options = TrainingOptions(seed=args.seed, architecture=args.architecture,
                              folds=args.folds, max_epochs=args.max_epochs,
                              codebook=load_codebook(args.codebook),
                              patterns=Path(args.patterns) if args.patterns else patterns_path())
    source = _labelled_source(args.data)
    labelled = read_labelled(source, coded_dimensions(source, options.codebook))
    held_out = None
    if "split" in labelled.columns and (labelled["split"] == args.evaluate_on).any():
        held_out = labelled[labelled["split"] == args.evaluate_on]
        labelled = labelled[labelled["split"] != args.evaluate_on]
    print(f"training on {len(labelled)} labelled posts (seed {args.seed}); this takes a few "
          "minutes", file=sys.stderr)
    summary = train_model(labelled, args.out, options)
    print(json.dumps(summary, indent=2))
    metrics_path = Path(args.out) / "metrics.json"
    if held_out is not None:
        report = evaluate(args.out, held_out)
        metrics_path.write_text(json.dumps(report, indent=2) + "\n")
        print(format_report(report))
    elif metrics_path.exists():
        metrics_path.unlink()  # metrics of an earlier model would describe the wrong one
    card = write_model_card(args.out, **_card_details(args.data, labelled, options.codebook))
    print(f"model card: {card}", file=sys.stderr)
    return 0


def _card_details(data: str, labelled, codebook) -> dict:  # type: ignore[no-untyped-def]
    counts = {}
    for dimension in codebook.dimensions:
        if dimension.kind == "exclusive":
            for value, n in labelled[dimension.column].value_counts().items():
                counts[f"{dimension.column}={value}"] = int(n)
        else:
            for label in dimension.labels:
                counts[label.column] = int((labelled[label.column].astype(float) >= 0.5).sum())
    if data == "bootstrap":
        from coi import corpus

        everything = corpus.load()
        resolution = int((everything["cp_phase"] == "resolution").sum())
        return {"label_counts": counts, "data_description": (
            f"the coi bootstrap corpus (`coi/data/corpus`, see its DATA_CARD.md): "
            f"{everything['thread_id'].nunique()} threads ({len(everything):,} posts) written "
            "for the project by AI writing assistants in four settings, coded by two "
            "independent AI coders with the CoI codebook and negotiated. No real learners' "
            "posts."), "notes": [note.format(resolution=resolution)
                                 for note in BOOTSTRAP_LIMITS]}
    return {"label_counts": counts, "data_description": f"labelled posts from `{data}`",
            "notes": ["Accuracy on discussions unlike the training data is unknown: evaluate "
                      "on a hand-coded sample of the discussions you analyse."]}


BOOTSTRAP_LIMITS = [
    "The training posts were written for the project by language-model agents, not by "
    "learners. Scores on the held-out split measure how well the model learned *this* corpus; "
    "on real forums expect lower agreement with human coders (published automated coders of "
    "cognitive presence reach κ 0.3–0.8). Validate on a hand-coded sample of your own data "
    "and train your own model (`coi train`) before drawing research conclusions.",
    "English only: the indicator patterns and the training posts are English.",
    "Social presence is present in over 90% of training posts, so F1 is high by prevalence "
    "alone; read its κ. Thresholds are tuned for κ on cross-validated training predictions, "
    "so a post is coded without social presence only when the model is fairly sure.",
    "Retraining with the same seed and the same library versions gives an identical model "
    "(checked: two runs, identical files); other numpy/thinc versions move the scores "
    "slightly (about ±0.005 κ).",
    "Resolution is the rarest phase ({resolution} posts in the corpus); its recall is the "
    "weakest.",
    "Evidence spans come from generic indicator patterns; a post can receive a code without "
    "a matching span (the classifiers read all words) and a span does not by itself decide "
    "a code.",
]


@command("suggest")
def _suggest(args: argparse.Namespace) -> int:
    import json

    from coi.importers import import_file, read_roles
    from coi.pipeline import code
    from coi.suggestions import suggest

    overrides: dict[str, dict[str, float]] = {}
    for item in args.set:
        key, sep, value = item.partition("=")
        signal, dot, param = key.partition(".")
        if not sep or not dot:
            raise CoiError(f"--set expects SIGNAL.PARAM=VALUE, got {item!r}")
        try:
            overrides.setdefault(signal, {})[param] = float(value)
        except ValueError:
            raise CoiError(f"--set {item!r}: the value must be a number") from None
    result = import_file(args.file, args.input_format,
                         roles=read_roles(args.roles) if args.roles else None)
    threads, suggestions = suggest(result.posts, code(result, model=args.model),
                                   overrides=overrides)
    by_thread: dict[str, list] = {}
    for item in suggestions:
        by_thread.setdefault(item.thread_id, []).append(item)
    for record in threads.head(args.top).to_dict("records"):
        print(f"[{record['attention']:.1f}] thread {record['thread_id']}: {record['title']} "
              f"({record['posts']} posts, highest phase {record['highest_phase']})")
        for item in by_thread.get(record["thread_id"], []):
            print(f"    {item.signal}: {item.description}")
            print(f"      evidence posts: {', '.join(item.evidence) or '—'}")
            print(f"      you could: {item.move}")
            print(f"      source: {item.source}")
    if args.json:
        payload = {
            "threads": json.loads(threads.to_json(orient="records", date_format="iso")),
            "suggestions": [s.to_dict() for s in suggestions]}
        Path(args.json).write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n",
                                   encoding="utf-8")
    return 0


@command("access")
def _access(args: argparse.Namespace) -> int:
    from coi.access import AccessFile, access_file_path

    path = Path(args.file) if args.file else access_file_path()
    if path is None:
        raise CoiError("give --file or set COI_ACCESS_FILE")
    access = AccessFile.load(path)
    if args.action == "list":
        for user in access.describe():
            print(f"{user['name']:<20} {user['role']:<6} projects: "
                  f"{', '.join(user['projects']) or '(all)'}  {user['email']}")
        return 0
    if not args.name:
        raise CoiError("add-user needs a user name")
    projects = [p.strip() for p in args.projects.split(",") if p.strip()]
    token = access.add_user(args.name, args.role, projects, args.email)
    access.save(path)
    print(f"added {args.name} ({args.role}); their token (shown only now): {token}")
    return 0


@command("import-codes")
def _import_codes(args: argparse.Namespace) -> int:
    from coi.annotation import create_project, projects
    from coi.exchange import import_codes, read_codes

    workspace = open_workspace(args)
    discussion = workspace.discussion(args.discussion)
    known = {p.name: p for p in projects(workspace, discussion.id)}
    project = known.get(args.project) or create_project(workspace, discussion.id, args.project)
    table = read_codes(args.file)
    unknown = set(table["post_id"].astype(str)) - set(workspace.posts(discussion.id)["post_id"])
    if unknown:
        raise CoiError(f"{len(unknown)} post ids of {args.file} are not in discussion "
                       f"{discussion.id} (e.g. {sorted(unknown)[:3]}); import the codes into "
                       "the discussion they belong to (--discussion)")
    stored = import_codes(workspace, project.id, table, default_coder=args.coder)
    print(f"stored {stored} codes in project '{project.name}' (discussion {discussion.id})")
    return 0


@command("agreement")
def _agreement(args: argparse.Namespace) -> int:
    import json

    from coi.agreement import agreement
    from coi.pipeline.labels import read_table

    codes = read_table(Path(args.codes))
    columns = [c.strip() for c in args.columns.split(",")] if args.columns else None
    result = agreement(codes, columns)
    print(f"{'code':<22}{'units':>6}{'%agree':>8}{'kappa':>8}{'alpha':>8}{'alpha_ord':>10}"
          f"{'AC1':>8}")
    for name, stats in result.items():
        ordinal = stats.get("krippendorff_alpha_ordinal")
        print(f"{name:<22}{stats['units']:>6}{stats['percent_agreement']:>8.3f}"
              f"{stats['cohen_kappa']:>8.3f}{stats['krippendorff_alpha_nominal']:>8.3f}"
              f"{'' if ordinal is None else f'{ordinal:.3f}':>10}{stats['gwet_ac1']:>8.3f}")
    print("(krippendorff_alpha_nominal = alpha; per-pair kappas, per-code statistics and "
          "confusion tables are in the JSON)")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


def _labelled_source(data: str):  # type: ignore[no-untyped-def]
    """A labelled-data argument: a file, or 'bootstrap' for the bundled corpus."""
    if data == "bootstrap":
        from coi import corpus

        return corpus.load()
    return data


@command("evaluate")
def _evaluate(args: argparse.Namespace) -> int:
    import json

    from coi.pipeline.evaluation import evaluate, format_report

    report = evaluate(args.model, _labelled_source(args.data), split=args.split)
    print(format_report(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
