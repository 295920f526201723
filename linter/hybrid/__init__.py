"""How Exchange sees a deployment: which connector routes where and which certificate each
presents (topology), and how Exchange Online attributes each sender (attribution)."""
