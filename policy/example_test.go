package policy_test

import (
	"fmt"

	"github.com/actiongate/actiongate/policy"
)

func ExampleParse() {
	p, err := policy.Parse([]byte(`{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Effect": "Allow", "Action": "quicksight:*ActionConnector*",
	     "Resource": "arn:aws:quicksight:us-east-1:111122223333:action-connector/jira-*"},
	    {"Effect": "Deny", "Action": "quicksight:DeleteActionConnector", "Resource": "*"}
	  ]
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	const arn = "arn:aws:quicksight:us-east-1:111122223333:action-connector/"
	fmt.Println(p.Evaluate("quicksight:DescribeActionConnector", arn+"jira-cloud"))
	fmt.Println(p.Evaluate("quicksight:DeleteActionConnector", arn+"jira-cloud"))
	fmt.Println(p.Evaluate("quicksight:DescribeActionConnector", arn+"slack-1"))

	_, err = policy.Parse([]byte(`{"Version": "2012-10-17", "Statement": {"Effect": "Allow",
	  "Action": "quicksight:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "true"}}}}`))
	fmt.Println(err)
	// Output:
	// Allow
	// Deny
	// NotAllowed
	// policy: Statement[0].Condition: conditions are not supported yet
}
