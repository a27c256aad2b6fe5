package actiongate

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// pageTokens issues and checks the opaque NextToken values of List and Search.
// A token carries the cursor (the last id of the page) and a MAC over the cursor
// and the query's scope (account, operation, filter), so it cannot be forged or
// carried to another account or query. The key is shared by every replica, so a
// token is good on any of them.
type pageTokens struct {
	key []byte
}

const pageTokenMACSize = 16

func (p pageTokens) mac(scope, cursor string) []byte {
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(scope))
	m.Write([]byte{0})
	m.Write([]byte(cursor))
	return m.Sum(nil)[:pageTokenMACSize]
}

// issue returns the token that resumes scope after cursor.
func (p pageTokens) issue(scope, cursor string) string {
	b := append([]byte(cursor), p.mac(scope, cursor)...)
	return base64.StdEncoding.EncodeToString(b)
}

// open returns the cursor of token, or a KindInvalidNextToken error when the
// token is malformed or was issued for another scope.
func (p pageTokens) open(scope, token string) (string, error) {
	// A token has one spelling: Strict refuses nonzero unused bits in the
	// last character, and the comparison refuses the line breaks that the
	// decoder skips.
	b, err := base64.StdEncoding.Strict().DecodeString(token)
	if err != nil || len(b) <= pageTokenMACSize || base64.StdEncoding.EncodeToString(b) != token {
		return "", Errorf(KindInvalidNextToken, "The NextToken is not valid.")
	}
	cursor, sum := string(b[:len(b)-pageTokenMACSize]), b[len(b)-pageTokenMACSize:]
	if !hmac.Equal(sum, p.mac(scope, cursor)) {
		return "", Errorf(KindInvalidNextToken, "The NextToken is not valid for this account and query.")
	}
	return cursor, nil
}
