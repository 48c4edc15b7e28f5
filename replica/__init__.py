"""A replica of government portals (Hanweb JCMS, TRS WCM) serving real reports on 127.0.0.1.

    python -m replica                      # jcms on :8101, trs on :8102
    python -m replica --site jcms=0 ...    # free ports; prints "serving NAME URL" lines
    python -m replica --with -- CMD ...    # serve while CMD runs, then stop
"""
