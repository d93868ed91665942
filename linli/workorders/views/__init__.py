"""Work-order pages, one module per audience: resident.py (我要报事, 我的工单), responder.py
(我的任务, 附近可抢单) and orders.py (the order page every role shares, and the one action
endpoint). Dispatch queues and approvals live beside them."""
