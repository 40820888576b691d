// Package coursecheck checks the course's Markdown sources the way a careful
// reviewer would, so that `go test ./...` fails when a lesson breaks the
// rules writers follow (the course brief).
//
// In: an fs.FS holding content/**/*.md (the repository root in the tests, a
// txtar fixture in the self-tests). Out: a list of Problems, each printed as
// `content/path.md:LINE: what: problem`, sorted, all of them at once.
//
// Code blocks (fenced, found with goldmark, also inside blockquotes and
// callouts such as [!SOLUTION]) are checked by the language of their info
// string; `{check=skip}` turns the check off for one block:
//
//   - go with {check=compile}: package main with func main, importing only the
//     standard library, written to its own package of one temporary module; a
//     single `go vet ./...` checks them all (type errors, unused imports and
//     variables, vet's analyzers), then one `go build` lists every compile
//     error of the packages vet found broken (vet names only the first).
//   - other go: parses with go/parser as a file, else as declarations, else as
//     statements inside a function.
//   - sql: parses with the PostgreSQL grammar itself, and the last statement
//     ends with ";".
//   - python: compiles with py_compile (python3); without python3 the check
//     fails when CI is set and is skipped otherwise.
//   - json: strictly valid (one document). yaml: every document decodes with
//     github.com/goccy/go-yaml (duplicate keys are errors).
//   - http: one request or one response per block, read by net/http after
//     line ends become CRLF; header lines `Name: value`; Content-Length, when
//     given, is the body's length.
//
// Lessons (content/NN-module/NN-lesson.md) are linted: front matter (title,
// description of at most 200 characters, duration, 2–4 objectives, roles and
// skills from the brief's controlled vocabulary, tags, prerequisites naming
// existing lessons without cycles), 600–1,500 words of prose outside code and
// quiz blocks, an `## Exercise` section with an [!EXERCISE] callout holding a
// [!SOLUTION], a quiz block of 3–5 questions (each with at least two options,
// at least one marked [x], and a `> ` explanation), headings that never skip a
// level and no `# ` heading in the body. Module pages (_index.md) need a title,
// a description and 2–4 objectives.
//
// # Choice of SQL parser
//
// SQL is parsed by github.com/wasilibs/go-pgquery: libpg_query (PostgreSQL's
// own parser, cut out of the server; PostgreSQL 17 grammar) compiled to
// WebAssembly and run by the pure-Go wazero runtime. It accepts exactly what
// PostgreSQL's parser accepts, which no hand-written Go grammar does. The
// alternatives measured on the 2-core machine, with the standard library
// already in the build cache:
//
//   - github.com/pganalyze/pg_query_go/v6 (same libpg_query, through cgo):
//     about 47–76 s wall, 45–47 s CPU to build, nearly all of it gcc compiling
//     libpg_query file after file; needs a C toolchain and CGO_ENABLED=1.
//   - github.com/wasilibs/go-pgquery: about 60–80 s wall, 58 s CPU, spread over
//     parallel Go packages (the generated protobuf types, shared with
//     pg_query_go, are the largest); no C toolchain. At run time the
//     WebAssembly module is compiled once per test process (about 1.3 s CPU),
//     then each statement takes microseconds.
//   - Pure-Go ports of the grammar (pgplex/pgparser, gosuda/pg18_query_go) and
//     CockroachDB-derived parsers (auxten/postgresql-parser,
//     cockroachdb-parser, which also disagree with PostgreSQL on its dialect)
//     are not served by the module proxy this project uses.
//
// Both real candidates are equally accurate and cost about a minute once per
// cold build cache (only this package imports them, STYLE §8); go-pgquery wins
// on needing nothing but Go. This whole test package, built from a cache that
// holds only the standard library, took 110 s wall (94 s CPU) to build and run
// on the 2-core machine while other work ran; with a warm cache the tests run
// in 3–5 s, most of it go vet and the WebAssembly compilation.
package coursecheck
