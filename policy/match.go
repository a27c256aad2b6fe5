package policy

import "unicode/utf8"

// match reports whether value matches the whole of pattern, in which '*'
// matches any run of characters (none included) and '?' exactly one character,
// a UTF-8 sequence counting as one character. Other bytes match themselves;
// when foldCase is set, ASCII letters match either case. ':' and '/' are not
// special.
//
// It is the two-pointer glob match that, on a mismatch, resumes after the last
// '*' seen with that star absorbing one more character: leftmost-first matching
// of the segments between stars is optimal, so earlier stars never need to be
// revisited. There is no exponential backtracking: time is at most
// O(len(pattern) * len(value)), and linear when the pattern has no '*' or the
// text after its stars seldom recurs in value; memory is constant.
func match(pattern, value string, foldCase bool) bool {
	px, vx := 0, 0
	starPx, starVx := -1, 0 // pattern index after the last '*', and the value index its match ends at
	for px < len(pattern) || vx < len(value) {
		if px < len(pattern) {
			switch c := pattern[px]; c {
			case '*':
				for px < len(pattern) && pattern[px] == '*' {
					px++
				}
				if px == len(pattern) {
					return true // a trailing star matches the rest, whatever it is
				}
				starPx, starVx = px, vx
				continue
			case '?':
				if vx < len(value) {
					_, n := utf8.DecodeRuneInString(value[vx:])
					px, vx = px+1, vx+n
					continue
				}
			default:
				if vx < len(value) && (c == value[vx] || foldCase && lower(c) == lower(value[vx])) {
					px, vx = px+1, vx+1
					continue
				}
			}
		}
		if starPx < 0 || starVx == len(value) {
			return false
		}
		// Let the last star absorb one more character and retry what follows it.
		_, n := utf8.DecodeRuneInString(value[starVx:])
		starVx += n
		px, vx = starPx, starVx
	}
	return true
}

// lower maps an ASCII upper-case letter to lower case and leaves any other
// byte as it is.
func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
