// Package bench measures lectern: Go benchmarks of each stage of a build
// (front matter, Markdown with highlighting, layouts, minification, writing)
// and of whole builds at 100, 1,000 and 10,000 lessons, on corpora made by
// bench/gencorpus. It has no code of its own outside its tests; README.md
// says how to run them, and compare.sh, which times lectern against Hugo
// (bench/hugo-site) and the floors (bench/floor) on the same corpus.
//
//	go test ./bench -run X -bench .
//	LECTERN_BENCH_10K=1 go test ./bench -run X -bench 'Build/lessons=10000' -benchtime 1x
package bench
