"""The assessment framework: its facts (what rules/framework/ reads), and the explanation for the panel
and the letter to the applicant."""
