package sqlite

import (
	"strings"
	"unicode/utf8"
)

// trigramQuery returns the FTS5 query of connector_name_trigram that finds a
// superset of the names the NameLike pattern matches: those that hold each
// literal run of three characters or more between the '*'s, as phrases (of
// the run's trigrams, in order) ANDed. It returns "" when the pattern has no
// such run; then the index cannot narrow the search.
//
// The trigram tokenizer folds case, more widely than LIKE (which folds ASCII
// only), so the lookup finds every name LIKE would match, and maybe more: the
// caller checks each candidate with LIKE. Each phrase is a quoted string, in
// which a '"' is doubled.
func trigramQuery(nameLike string) string {
	var phrases []string
	for _, run := range strings.Split(nameLike, "*") {
		if utf8.RuneCountInString(run) >= 3 {
			phrases = append(phrases, `"`+strings.ReplaceAll(run, `"`, `""`)+`"`)
		}
	}
	return strings.Join(phrases, " AND ")
}
