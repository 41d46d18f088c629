"""营商台账: enterprises' problems (EnterpriseIssue) from 登记 through 交办, 办结 and 回访 to 归档.

``records`` holds the tables and vocabularies, ``working_days`` the Chinese working-day calendar,
``checks`` the credit code and the masking of personal data, ``loop`` the actions of the loop,
``supervision`` the colours and lists of what is due, ``figures`` the counts and rates.
"""
