import Policy
